using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// The code that reads and searches keys of one format. Every strategy implements the same
/// operations with identical results; they differ only in speed and set-up cost.
/// </summary>
/// <remarks>
/// A <em>run</em> is a sequence of keys laid out back to back as in a bset: each key's header
/// u64s gives its length in words (key plus value); keys with format 0 are packed in
/// <see cref="Format"/>, keys with format 1 are unpacked, laid out in the schema's
/// <see cref="KeySchema.UnpackedFormat"/> (the 40-byte <see cref="Bkey"/> for positions).
/// The <see cref="Bkey"/> and <see cref="Bpos"/> members are for bcachefs positions; the members over
/// key fields (<see cref="UnpackKey"/>, <see cref="UnpackKeys"/>, <see cref="FindFirstAtOrAfter(ReadOnlySpan{byte}, ReadOnlySpan{ulong})"/>)
/// take keys of any schema, positions included.
/// </remarks>
internal abstract class KeyCodec
{
    /// <summary>Creates a codec for <paramref name="format"/>.</summary>
    protected KeyCodec(BkeyFormat format)
    {
        Format = format;
    }

    /// <summary>The format this codec reads.</summary>
    public BkeyFormat Format { get; }

    /// <summary>The strategy this codec implements.</summary>
    public abstract UnpackStrategy Strategy { get; }

    /// <summary>Unpacks one key packed in <see cref="Format"/>.</summary>
    /// <exception cref="InvalidPackedKeyException">The header is inconsistent with the format.</exception>
    public abstract void Unpack(ReadOnlySpan<byte> packed, out Bkey key);

    /// <summary>Unpacks the position of one key packed in <see cref="Format"/>.</summary>
    /// <exception cref="InvalidPackedKeyException">The header is inconsistent with the format.</exception>
    public abstract Bpos UnpackPosition(ReadOnlySpan<byte> packed);

    /// <summary>Compares the positions of two keys packed in <see cref="Format"/>: -1, 0 or 1.</summary>
    public virtual int ComparePacked(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => Format.ComparePacked(left, right);

    /// <summary>Packs a search position exactly; false when it does not fit.</summary>
    public virtual bool TryPackPosition(Bpos position, Span<byte> destination) => Format.TryPackPosition(position, destination);

    /// <summary>Packs the greatest representable position not above <paramref name="position"/>.</summary>
    public virtual PackPositionResult PackPositionLossy(Bpos position, Span<byte> destination) => Format.PackPositionLossy(position, destination);

    /// <summary>Unpacks the keys of a run into <paramref name="keys"/>; returns how many were unpacked (all, or as many as fit).</summary>
    /// <exception cref="InvalidPackedKeyException">A key's header is inconsistent with the format or runs past the end of the run.</exception>
    public virtual int UnpackRun(ReadOnlySpan<byte> run, Span<Bkey> keys)
    {
        var count = 0;
        for (var at = 0; at < run.Length && count < keys.Length; count++)
        {
            var key = RunKeys.Slice(Format, run, at, out var length);
            if (RunKeys.IsPacked(key)) Unpack(key, out keys[count]);
            else keys[count] = Bkey.Read(key);
            at += length;
        }
        return count;
    }

    /// <summary>Unpacks the positions of the keys of a run; returns how many were unpacked.</summary>
    public virtual int UnpackPositions(ReadOnlySpan<byte> run, Span<Bpos> positions)
    {
        var count = 0;
        for (var at = 0; at < run.Length && count < positions.Length; count++)
        {
            var key = RunKeys.Slice(Format, run, at, out var length);
            positions[count] = RunKeys.IsPacked(key) ? UnpackPosition(key) : Bkey.Read(key).Position;
            at += length;
        }
        return count;
    }

    /// <summary>Unpacks the key fields (<see cref="KeySchema.KeyFieldCount"/> of them) of one key packed in <see cref="Format"/>.</summary>
    /// <exception cref="InvalidPackedKeyException">The header is inconsistent with the format.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is shorter than the key fields.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    public virtual void UnpackKey(ReadOnlySpan<byte> packed, Span<ulong> key)
    {
        CheckKeyFields(key.Length, nameof(key));
        Format.UnpackKey(packed, key);
    }

    /// <summary>
    /// Unpacks the key fields of the keys of a run into <paramref name="keys"/>, back to back
    /// (<see cref="KeySchema.KeyFieldCount"/> words each); returns how many keys were unpacked (all, or as many as fit).
    /// </summary>
    /// <exception cref="InvalidPackedKeyException">A key's header is inconsistent with the format or runs past the end of the run.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // a scan's first runs must not wait for tiering
    public virtual int UnpackKeys(ReadOnlySpan<byte> run, Span<ulong> keys)
    {
        var stride = Format.Schema.KeyFieldCount;
        var capacity = keys.Length / stride;
        var count = 0;
        for (var at = 0; at < run.Length && count < capacity; count++)
        {
            var key = RunKeys.Slice(Format, run, at, out var length);
            var destination = keys.Slice(count * stride, stride);
            if (RunKeys.IsPacked(key)) UnpackKey(key, destination);
            else RunKeys.ReadUnpackedKey(Format, key, destination);
            at += length;
        }
        return count;
    }

    /// <summary>
    /// Byte offset of the first key of a sorted run whose key fields are at or after <paramref name="search"/>
    /// (<see cref="KeySchema.KeyFieldCount"/> words, compared as unsigned words, first to last), or the run's
    /// length when there is none.
    /// </summary>
    /// <exception cref="InvalidPackedKeyException">A key's header is inconsistent with the format or runs past the end of the run.</exception>
    /// <exception cref="ArgumentException"><paramref name="search"/> is shorter than the key fields.</exception>
    public virtual int FindFirstAtOrAfter(ReadOnlySpan<byte> run, ReadOnlySpan<ulong> search)
    {
        CheckKeyFields(search.Length, nameof(search));
        for (var at = 0; at < run.Length;)
        {
            var key = RunKeys.Slice(Format, run, at, out var length);
            var order = RunKeys.IsPacked(key) ? ComparePackedToKey(key, search) : RunKeys.CompareUnpackedKey(Format, key, search);
            if (order >= 0) return at;
            at += length;
        }
        return run.Length;
    }

    /// <summary>Compares the key fields of one key packed in <see cref="Format"/> (header checked) with <paramref name="key"/>: -1, 0 or 1.</summary>
    /// <exception cref="InvalidPackedKeyException">The header is inconsistent with the format.</exception>
    protected virtual int ComparePackedToKey(ReadOnlySpan<byte> packed, ReadOnlySpan<ulong> key)
    {
        Format.CheckPackedHeader(packed);
        return Format.ComparePackedToKey(packed, key);
    }

    /// <summary>Throws when a span of <paramref name="length"/> words cannot hold the key fields of one key.</summary>
    /// <exception cref="ArgumentException">It cannot.</exception>
    protected void CheckKeyFields(int length, string name)
    {
        if (length < Format.Schema.KeyFieldCount) ThrowKeyFields(length, name);
    }

    private void ThrowKeyFields(int length, string name) =>
        throw new ArgumentException($"A key of {Format.Schema} has {Format.Schema.KeyFieldCount} key fields; the span has {length} words.", name);

    /// <summary>
    /// Byte offset of the first key of a sorted run whose position is at or after
    /// <paramref name="search"/>, or the run's length when there is none.
    /// </summary>
    public virtual int FindFirstAtOrAfter(ReadOnlySpan<byte> run, Bpos search)
    {
        for (var at = 0; at < run.Length;)
        {
            var key = RunKeys.Slice(Format, run, at, out var length);
            var position = RunKeys.IsPacked(key) ? UnpackPosition(key) : Bkey.Read(key).Position;
            if (position >= search) return at;
            at += length;
        }
        return run.Length;
    }
}
