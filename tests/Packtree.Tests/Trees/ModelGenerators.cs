using CsCheck;
using Packtree.Keys;

namespace Packtree.Tests.Trees;

/// <summary>
/// A key an operation acts on: a fresh position, or one of the keys written before (<c>recent[0]</c> is the
/// latest), so that overwrites, deletes of present keys and seeks onto keys are common.
/// </summary>
internal readonly record struct KeyPick(Bpos Fresh, int? Back)
{
    public Bpos Resolve(IReadOnlyList<Bpos> written) =>
        Back is { } back && written.Count > 0 ? written[written.Count - 1 - back % written.Count] : Fresh;

    public override string ToString() => Back is { } back ? $"recent[{back}]" : Fresh.ToString();
}

/// <summary>
/// A value length, as a tree's largest value is only known when the operation runs: an exact size (cut to
/// the largest), a share of the largest in thousandths, the largest less a few bytes, or one byte too many
/// (refused); the bytes follow from the seed.
/// </summary>
internal readonly record struct ValueSpec(int Bytes, int PerMille, int BelowMax, bool TooLarge, byte Seed)
{
    /// <summary>The length for a tree whose values are at most <paramref name="max"/> bytes (max + 1 when too large).</summary>
    public int Length(int max) => TooLarge ? max + 1 : BelowMax >= 0 ? max - BelowMax : PerMille >= 0 ? max * PerMille / 1000 : Math.Min(Bytes, max);

    public byte[] Value(int max) => ModelGen.Bytes(Length(max), Seed);

    public override string ToString() =>
        TooLarge ? "max+1B" : BelowMax == 0 ? "maxB" : BelowMax > 0 ? $"max-{BelowMax}B" : PerMille >= 0 ? $"{PerMille / 1000.0:0.###}*maxB" : $"{Bytes}B";
}

/// <summary>A key range with its ends picked like keys: open, inclusive or exclusive, and now and then reversed (empty).</summary>
internal readonly record struct RangeSpec(KeyPick? From, KeyPick? To, bool FromInclusive, bool ToInclusive, bool Ordered)
{
    public static readonly RangeSpec All = new(null, null, true, true, true);

    public KeyRange Resolve(IReadOnlyList<Bpos> written)
    {
        var from = From?.Resolve(written);
        var to = To?.Resolve(written);
        if (Ordered && from is { } f && to is { } t && f > t) (from, to) = (to, from);
        return new KeyRange(from, to, FromInclusive, ToInclusive);
    }

    public override string ToString() =>
        From is null && To is null ? "all" : $"{(FromInclusive ? "[" : "(")}{From?.ToString() ?? "-inf"}, {To?.ToString() ?? "+inf"}{(ToInclusive ? "]" : ")")}{(Ordered ? "" : " unordered")}";
}

/// <summary>
/// A run of many puts, for trees that grow several levels in a few operations: keys from
/// <see cref="Start"/> ascending or descending one position at a time, by a stride of offsets, one per
/// inode, or scattered within an inode; values small, large, anything up to the largest, or empty.
/// </summary>
internal readonly record struct RunSpec(Bpos Start, int Count, int Order, int Sizes, byte Seed)
{
    private static readonly string[] OrderNames = ["ascending", "descending", "every 8th offset", "one per inode", "scattered"];
    private static readonly string[] SizeNames = ["small", "large", "any", "empty"];

    public static Gen<RunSpec> Any(int maxCount) => CsCheck.Gen.Select(ModelGen.Position, CsCheck.Gen.Int[1, maxCount], CsCheck.Gen.Int[0, 4], CsCheck.Gen.Int[0, 3], CsCheck.Gen.Byte,
        (start, count, order, sizes, seed) => new RunSpec(start, count, order, sizes, seed));

    /// <summary>The run's keys and values for a tree whose values are at most <paramref name="max"/> bytes.</summary>
    public IEnumerable<(Bpos Key, byte[] Value)> Entries(int max)
    {
        var key = Start;
        for (var i = 0; i < Count; i++)
        {
            var mix = ModelGen.Mix(Seed, (ulong)i);
            switch (Order)
            {
                case 0 when i > 0:
                    if (key == Bpos.Max) yield break;
                    key = key.Successor();
                    break;
                case 1 when i > 0:
                    if (key == Bpos.Min) yield break;
                    key = key.Predecessor();
                    break;
                case 2:
                    key = new Bpos(Start.Inode, unchecked(Start.Offset + 8 * (ulong)i), Start.Snapshot);
                    break;
                case 3:
                    key = new Bpos(unchecked(Start.Inode + (ulong)i), Start.Offset, Start.Snapshot);
                    break;
                case 4:
                    key = new Bpos(Start.Inode, mix % 1_000_000, (uint)(mix >> 60) % 3);
                    break;
            }
            var length = Sizes switch
            {
                0 => (int)(mix % 25),
                1 => max / 2 + (int)(mix % (ulong)(max / 2 + 1)),
                2 => (int)(mix % (ulong)(max + 1)),
                _ => 0,
            };
            yield return (key, ModelGen.Bytes(length, (int)(mix >> 40)));
        }
    }

    public override string ToString() => $"{Count} keys from {Start} {OrderNames[Order]}, {SizeNames[Sizes]} values";
}

/// <summary>
/// Deletes of many written keys: those in <see cref="Range"/>, but for one in <see cref="KeepOneIn"/> (0: all
/// of them), picked by a hash of the key.
/// </summary>
internal readonly record struct DeleteSpec(RangeSpec Range, int KeepOneIn, byte Seed)
{
    public static readonly Gen<DeleteSpec> Any = CsCheck.Gen.Select(
        CsCheck.Gen.Frequency((2, CsCheck.Gen.Const(RangeSpec.All)), (1, ModelGen.Range)),
        CsCheck.Gen.OneOf(10, 2, 0),
        CsCheck.Gen.Byte,
        (range, keep, seed) => new DeleteSpec(range, keep, seed));

    /// <summary>The distinct written keys to delete, in the order they were first written.</summary>
    public List<Bpos> Keys(IReadOnlyList<Bpos> written)
    {
        var range = Range.Resolve(written);
        var seen = new HashSet<Bpos>();
        var keys = new List<Bpos>();
        foreach (var key in written)
        {
            if (!seen.Add(key) || !OrderedModel.In(range, key)) continue;
            if (KeepOneIn > 0 && ModelGen.Mix(ModelGen.Mix(ModelGen.Mix(Seed, key.Inode), key.Offset), key.Snapshot) % (ulong)KeepOneIn == 0) continue;
            keys.Add(key);
        }
        return keys;
    }

    public override string ToString() => $"{Range}, {(KeepOneIn == 0 ? "all" : $"keeping 1 in {KeepOneIn}")}";
}

/// <summary>
/// CsCheck generators shared by the model-based tests of the btree and the store, and the helpers both sides
/// of a model test use to derive the same keys and values from an operation.
/// </summary>
internal static class ModelGen
{
    private static readonly Gen<ulong> Edge64 = Gen.OneOf(0UL, 1UL, ulong.MaxValue - 1, ulong.MaxValue);
    private static readonly Gen<uint> Edge32 = Gen.OneOf(0U, 1U, uint.MaxValue - 1, uint.MaxValue);

    /// <summary>
    /// Positions biased so that equal and neighbouring keys are common: a dense little space, a medium one with
    /// the snapshot at its ends, the whole space, each field at or next to 0 or its maximum (so neighbours
    /// across a carry, like 1:U64_MAX:U32_MAX and 2:0:0), and POS_MIN, POS_MAX, SPOS_MAX.
    /// </summary>
    public static readonly Gen<Bpos> Position = Gen.Frequency(
        (8, Gen.Select(Gen.ULong[0, 2], Gen.ULong[0, 31], Gen.UInt[0, 2], (i, o, s) => new Bpos(i, o, s))),
        (4, Gen.Select(Gen.ULong[0, 3], Gen.ULong[0, 100_000], Gen.Frequency((2, Gen.Const(0U)), (1, Gen.Const(uint.MaxValue)), (1, Gen.UInt[0, 3])), (i, o, s) => new Bpos(i, o, s))),
        (2, Gen.Select(Gen.ULong, Gen.ULong, Gen.UInt, (i, o, s) => new Bpos(i, o, s))),
        (3, Gen.Select(Gen.OneOf(Edge64, Gen.ULong[0, 3]), Gen.OneOf(Edge64, Gen.ULong[0, 3]), Gen.OneOf(Edge32, Gen.UInt[0, 3]), (i, o, s) => new Bpos(i, o, s))),
        (1, Gen.OneOf(Bpos.Min, Bpos.PosMax, Bpos.Max)));

    /// <summary>A fresh position (from <see cref="Position"/>) or one of the recently written keys.</summary>
    public static readonly Gen<KeyPick> Key = Gen.Frequency(
        (3, Position.Select(p => new KeyPick(p, null))),
        (2, Gen.Frequency((3, Gen.Int[0, 3]), (1, Gen.Int[0, 100_000])).Select(back => new KeyPick(Bpos.Min, back))));

    /// <summary>Value lengths: mostly small, the word boundaries (0, 1, 7, 8, 9, 15, 16, 17), the largest and just under it (a word less, a byte less), anything up to it, and now and then one byte too many.</summary>
    public static readonly Gen<ValueSpec> Value = Gen.Select(
        Gen.Frequency(
            (12, Gen.Int[0, 24].Select(n => (n, -1, -1, false))),
            (4, Gen.OneOf(0, 1, 7, 8, 9, 15, 16, 17).Select(n => (n, -1, -1, false))),
            (3, Gen.OneOf(0, 1, 7, 8).Select(below => (0, -1, below, false))),
            (4, Gen.Int[0, 1000].Select(perMille => (0, perMille, -1, false))),
            (1, Gen.Const((0, -1, -1, true)))),
        Gen.Byte,
        (v, seed) => new ValueSpec(v.Item1, v.Item2, v.Item3, v.Item4, seed));

    /// <summary>A value within the tree's limit (for batches and bulk runs, where a refused value is tested apart).</summary>
    public static readonly Gen<ValueSpec> FittingValue = Value.Select(v => v with { TooLarge = false });

    private static readonly Gen<(KeyPick?, bool)> RangeEnd = Gen.Frequency(
        (1, Gen.Const(((KeyPick?)null, true))),
        (2, Key.Select(k => ((KeyPick?)k, true))),
        (2, Key.Select(k => ((KeyPick?)k, false))));

    /// <summary>Ranges: all, open at either end, closed, half-open, open at both ends, and empty (reversed, or one key excluded).</summary>
    public static readonly Gen<RangeSpec> Range = Gen.Frequency(
        (1, Gen.Const(RangeSpec.All)),
        (6, Gen.Select(RangeEnd, RangeEnd, Gen.Frequency((6, Gen.Const(true)), (1, Gen.Const(false))),
            (from, to, ordered) => new RangeSpec(from.Item1, to.Item1, from.Item2, to.Item2, ordered))));

    /// <summary>Deterministic bytes of a value (both sides of a model test derive the same ones).</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[Math.Max(0, length)];
        for (var i = 0; i < bytes.Length; i += 8)
        {
            var word = Mix((ulong)seed, (ulong)i ^ ((ulong)length << 32));
            for (var j = 0; j < 8 && i + j < bytes.Length; j++) bytes[i + j] = (byte)(word >> (8 * j));
        }
        return bytes;
    }

    /// <summary>A 64-bit mix of a seed and a number, for choices both sides must make alike.</summary>
    public static ulong Mix(ulong seed, ulong n)
    {
        var z = (seed + 1) * 0x9E3779B97F4A7C15UL + n * 0xD1B54A32D192ED03UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>An FNV-1a hash of a value's bytes.</summary>
    public static uint Hash(ReadOnlySpan<byte> value)
    {
        var hash = 2166136261U;
        foreach (var b in value) hash = (hash ^ b) * 16777619U;
        return hash;
    }

    /// <summary>A short, exact description of a value for observations: its length and hash.</summary>
    public static string Describe(ReadOnlySpan<byte> value) => $"{value.Length}B#{Hash(value):x8}";

    /// <summary>
    /// Iterations for a model test: <paramref name="baseline"/> times <c>PACKTREE_MODEL_ITER</c> (a factor, 1 by
    /// default; <c>PACKTREE_LONG_TESTS=1</c> makes it 10), or -1, CsCheck's own default, when <c>CsCheck_Iter</c>
    /// is set. CsCheck also reads <c>CsCheck_Seed</c> (replays the seed a failure printed, first) and
    /// <c>CsCheck_Time</c> (runs for that many seconds instead of a number of iterations).
    /// </summary>
    public static long Iterations(long baseline)
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("CsCheck_Iter"))) return -1;
        var factor = Environment.GetEnvironmentVariable("PACKTREE_LONG_TESTS") == "1" ? 10 : 1;
        if (long.TryParse(Environment.GetEnvironmentVariable("PACKTREE_MODEL_ITER"), out var scale) && scale > 0) factor = (int)Math.Min(scale, 1_000_000);
        return baseline * factor;
    }
}

/// <summary>
/// Keys and their values (length and hash) as a scan or walk returned them: compared entry by entry, and
/// written out only when a test fails, around the first difference.
/// </summary>
internal sealed class EntryList : IEquatable<EntryList>
{
    private readonly List<(Bpos Key, int Length, uint Hash)> _entries = [];

    public int Count => _entries.Count;

    public void Add(Bpos key, ReadOnlySpan<byte> value) => _entries.Add((key, value.Length, ModelGen.Hash(value)));

    public bool Equals(EntryList? other) => other is not null && _entries.SequenceEqual(other._entries);

    public override bool Equals(object? obj) => Equals(obj as EntryList);

    public override int GetHashCode() => _entries.Count;

    /// <summary>The index of the first entry that differs from <paramref name="other"/>'s.</summary>
    public int FirstDifference(EntryList other)
    {
        var i = 0;
        while (i < _entries.Count && i < other._entries.Count && _entries[i] == other._entries[i]) i++;
        return i;
    }

    /// <summary>The entries around <paramref name="at"/>.</summary>
    public string Around(int at)
    {
        if (_entries.Count == 0) return "none";
        var from = Math.Max(0, at - 3);
        var to = Math.Min(_entries.Count, at + 4);
        var text = string.Join(' ', _entries.Skip(from).Take(to - from).Select(e => $"{e.Key}={e.Length}B#{e.Hash:x8}"));
        return $"{_entries.Count} entries: {(from > 0 ? $"[{from}] " : "")}{text}{(to < _entries.Count ? " ..." : "")}";
    }

    public override string ToString() => Around(0);
}

/// <summary>What a model test's system and model each answered, in order; the two logs must be equal.</summary>
internal sealed class ObservationLog
{
    private readonly List<(int Step, string Operation, string What, EntryList? Entries)> _entries = [];

    /// <summary>Operations run so far.</summary>
    public int Steps { get; private set; }

    /// <summary>The operation being run (for the entries it records).</summary>
    public string Current { get; private set; } = "";

    public void Begin(string operation)
    {
        Steps++;
        Current = operation;
    }

    public void Add(string what, EntryList? entries = null) => _entries.Add((Steps, Current, what, entries));

    /// <summary>Null when both logs agree, else where and how they first differ.</summary>
    public static string? Difference(ObservationLog actual, ObservationLog model)
    {
        for (var i = 0; i < Math.Max(actual._entries.Count, model._entries.Count); i++)
        {
            if (i >= actual._entries.Count) return $"The model observed more than the system: from operation {model._entries[i].Step}, {model._entries[i].Operation}: {model._entries[i].What}";
            if (i >= model._entries.Count) return $"The system observed more than the model: from operation {actual._entries[i].Step}, {actual._entries[i].Operation}: {actual._entries[i].What}";
            var (a, m) = (actual._entries[i], model._entries[i]);
            if (a.Step != m.Step || a.Operation != m.Operation || a.What != m.What)
            {
                var at = 0;
                while (at < a.What.Length && at < m.What.Length && a.What[at] == m.What[at]) at++;
                return $"Operation {m.Step}, {m.Operation}, differs:\n  system: {Around(a.What, at)}\n  model:  {Around(m.What, at)}";
            }
            if (!Equals(a.Entries, m.Entries))
            {
                var at = a.Entries is { } x && m.Entries is { } y ? x.FirstDifference(y) : 0;
                return $"Operation {m.Step}, {m.Operation} ({m.What}), differs at entry {at}:\n  system: {a.Entries?.Around(at)}\n  model:  {m.Entries?.Around(at)}";
            }
        }
        return null;
    }

    /// <summary>The text around where two observations part.</summary>
    private static string Around(string text, int at)
    {
        var from = Math.Max(0, at - 300);
        var to = Math.Min(text.Length, at + 300);
        return (from > 0 ? "..." : "") + text[from..to] + (to < text.Length ? "..." : "");
    }
}

/// <summary>The system under a model test disagrees with its model; the message says where.</summary>
internal sealed class ModelMismatchException(string message) : Exception(message);
