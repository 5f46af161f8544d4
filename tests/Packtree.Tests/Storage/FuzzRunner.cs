using System.Diagnostics;
using System.Text;
using Packtree.Cli.Commands;
using Packtree.Keys;
using Packtree.Nodes;
using Xunit.Abstractions;

namespace Packtree.Tests.Storage;

/// <summary>The states a damaged image may legitimately open to: prefixes of some workloads, and whether a clear error may be raised instead.</summary>
/// <param name="States">Each a workload with the lowest and highest prefix allowed.</param>
/// <param name="ErrorAllowed">Whether the open (or a read, or a Verify) may refuse the file instead.</param>
internal sealed record FuzzExpectation(IReadOnlyList<(FuzzWorkload Workload, int Min, int Max)> States, bool ErrorAllowed = true)
{
    /// <summary>
    /// Any prefix of the workload (or of the alternatives). A prefix short of the last commit is
    /// legitimate for damage the store cannot tell from the end of the log: a mutated checkpoint seq or
    /// journal tail, a torn last entry, a lowered commit seq all make recovery stop at an earlier commit
    /// that was all the file proves; what must never happen is a state that is no prefix at all.
    /// </summary>
    public static FuzzExpectation AnyPrefix(FuzzWorkload workload, params FuzzWorkload[] alternatives) =>
        new([(workload, 0, workload.CommitCount), .. alternatives.Select(a => (a, 0, a.CommitCount))]);

    /// <summary>Exactly the state after <paramref name="prefix"/> commits (or an error, when allowed).</summary>
    public static FuzzExpectation Exactly(FuzzWorkload workload, int prefix, bool errorAllowed) => new([(workload, prefix, prefix)], errorAllowed);

    public string Describe() => States.Count == 0 ? "a clear error" :
        string.Join(" or ", States.Select(s => $"{s.Workload.Name} after {(s.Min == s.Max ? $"commit {s.Min}" : $"commits {s.Min}..{s.Max}")}")) + (ErrorAllowed ? ", or a clear error" : "");
}

/// <summary>
/// Runs fuzz cases: each opens a damaged copy of an image (under a timeout), reads every tree and
/// verifies it, and must end in a clear, expected exception (<see cref="CorruptStoreException"/>,
/// <see cref="InvalidDataException"/>, <see cref="NotSupportedException"/>, with a message) or in
/// contents equal to an allowed state. Failures are collected, grouped by kind, and reported at the end
/// with the seed, the case number, the mutation and the exception or the difference. Set
/// <c>PACKTREE_FUZZ_SEED</c> for another seed, <c>PACKTREE_FUZZ_CASE</c> to run one case.
/// </summary>
internal sealed class FuzzRunner : IDisposable
{
    /// <summary>Ten times more cases with <c>PACKTREE_LONG_TESTS=1</c>.</summary>
    public static readonly int Scale = Environment.GetEnvironmentVariable("PACKTREE_LONG_TESTS") == "1" ? 10 : 1;

    public static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("PACKTREE_FUZZ_SEED"), out var seed) ? seed : 20260501;

    private static readonly int? OnlyCase = int.TryParse(Environment.GetEnvironmentVariable("PACKTREE_FUZZ_CASE"), out var only) ? only : null;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    private readonly string _family;
    private readonly int _familySalt;
    private readonly ITestOutputHelper _output;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, int> _outcomes = [];
    private readonly Dictionary<string, List<(int Number, string Text)>> _failures = [];
    private readonly TempFolder _folder = new();
    private int _cases;
    private int _checks;
    private TimeSpan _openTime;
    private TimeSpan _checkTime;
    private TimeSpan _openOnly;
    private TimeSpan _readOnly;
    private TimeSpan _matchOnly;

    public FuzzRunner(string family, ITestOutputHelper output)
    {
        _family = family;
        _familySalt = family.Aggregate(17, (h, c) => unchecked(h * 31 + c));
        _output = output;
    }

    /// <summary>The random source of case <paramref name="number"/>: the same for the same seed, family and number.</summary>
    public Random RandomFor(int number) => new(unchecked(Seed * 7919 + _familySalt * 1_000_003 + number));

    public bool ShouldRun(int number) => OnlyCase is null || OnlyCase == number;

    /// <summary>
    /// Runs one case: opens <paramref name="bytes"/> (read-only, or read-write with a checkpoint at close
    /// and a second look after it), and on some cases runs <c>packtree check</c> over the file too.
    /// </summary>
    public void Run(int number, FuzzImage image, string category, string what, byte[] bytes, FuzzExpectation expected, bool salvage = false)
    {
        _cases++;
        // Most cases open read-only with a cache that holds every node; some with the image's small cache
        // (nodes evicted and read again), some read-write (a checkpoint at close, then a second look).
        var readWrite = number % 8 == 3 && !salvage;
        var options = number % 5 == 1 ? image.Options : image.Options with { CacheBytes = 4096L * 4096 };
        options = options with { Salvage = salvage };
        var header = $"seed {Seed}, {_family} case {number} (image {image.Name}{(readWrite ? ", opened read-write" : "")}{(salvage ? ", opened to salvage" : "")}{(options.CacheBytes == image.Options.CacheBytes ? ", small cache" : "")}): {what}";
        var started = Stopwatch.GetTimestamp();
        var task = Task.Run(() => Execute(bytes.ToArray(), options, readWrite, expected, image.CurrentSlot));
        if (!task.Wait(CaseTimeout))
        {
            Fail(number, "hang", $"{header}\n    did not finish within {CaseTimeout.TotalSeconds} s");
            return;
        }
        _openTime += Stopwatch.GetElapsedTime(started);
        var (outcome, problem) = task.Result;
        if (problem is not null) Fail(number, outcome, $"{header}\n    expected {expected.Describe()}\n    {problem}");
        else Count($"{category,-24} {outcome}");
        if (number % 20 == 0) RunCheck(number, header, bytes, newerFormat: outcome.Contains(nameof(NotSupportedException), StringComparison.Ordinal));
    }

    /// <summary>Reports the counts, and fails with every failure found.</summary>
    public void Finish()
    {
        var summary = new StringBuilder($"{_family}: {_cases} cases, {_checks} packtree check runs, {_clock.Elapsed.TotalSeconds:F1} s ({_openTime.TotalSeconds:F1} s in cases: {_openOnly.TotalSeconds:F1} s opening, {_readOnly.TotalSeconds:F1} s reading, {_matchOnly.TotalSeconds:F1} s matching; {_checkTime.TotalSeconds:F1} s in packtree check), seed {Seed}");
        foreach (var (outcome, count) in _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal)) summary.Append($"\n  {count,6} {outcome}");
        _output.WriteLine(summary.ToString());
        if (_failures.Count == 0) return;
        var report = new StringBuilder($"{_failures.Sum(f => f.Value.Count)} of {_cases} {_family} cases failed, {_failures.Count} kinds:");
        foreach (var (kind, cases) in _failures.OrderByDescending(f => f.Value.Count))
        {
            report.Append($"\n\n== {cases.Count} x {kind} (cases {string.Join(", ", cases.Select(c => c.Number))})");
            foreach (var (_, text) in cases.Take(3)) report.Append($"\n  {text}");
        }
        _output.WriteLine(report.ToString());
        Assert.Fail(report.ToString());
    }

    public void Dispose() => _folder.Dispose();

    private void Count(string outcome) => _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;

    private void Fail(int number, string kind, string text)
    {
        Count("FAILED: " + kind);
        if (!_failures.TryGetValue(kind, out var list)) _failures[kind] = list = [];
        list.Add((number, text));
    }

    /// <summary>
    /// <c>packtree check</c>, in-process, on the damaged file: it reports (0 clean, 1 problems) and never
    /// throws; 2 (cannot be opened at all) only for a file of a newer format version.
    /// </summary>
    private void RunCheck(int number, string header, byte[] bytes, bool newerFormat)
    {
        _checks++;
        var started = Stopwatch.GetTimestamp();
        var path = _folder.File($"case-{_checks}.packtree");
        File.WriteAllBytes(path, bytes);
        var task = Task.Run(() => CheckCommand.Check(path, quiet: true));
        try
        {
            if (!task.Wait(CaseTimeout)) Fail(number, "packtree check hang", $"{header}\n    packtree check did not finish within {CaseTimeout.TotalSeconds} s");
            else if (task.Result is not (0 or 1) && !(task.Result == 2 && newerFormat)) Fail(number, $"packtree check exit {task.Result}", $"{header}\n    packtree check returned {task.Result}");
        }
        catch (AggregateException e)
        {
            Fail(number, $"packtree check threw {e.InnerException!.GetType().Name}", $"{header}\n    packtree check threw {e.InnerException}");
        }
        finally
        {
            if (task.IsCompleted) File.Delete(path);
            _checkTime += Stopwatch.GetElapsedTime(started);
        }
    }

    private (string Outcome, string? Problem) Execute(byte[] bytes, StoreOptions options, bool readWrite, FuzzExpectation expected, int currentSlot)
    {
        FuzzState state;
        StoreRecovery recovery;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var device = new FaultyDevice(bytes);
            using (var store = Store.Open(device, options with { ReadOnly = !readWrite && !options.Salvage }))
            {
                Time(ref _openOnly, ref started);
                recovery = store.Recovery;
                state = ReadAll(store);
                Time(ref _readOnly, ref started);
            }
            if (readWrite)
            {
                // The checkpoint at close wrote what was recovered: a second open must find the same.
                using var again = Store.Open(new FaultyDevice(device.Snapshot()), options with { ReadOnly = true });
                var after = ReadAll(again);
                if (!after.SameAs(state)) return ("wrong after checkpoint", $"after a checkpoint and a reopen the contents changed:\n{after.Difference(state)}");
            }
        }
        catch (Exception e) when (e is CorruptStoreException or InvalidDataException or NotSupportedException)
        {
            if (string.IsNullOrWhiteSpace(e.Message)) return ($"{e.GetType().Name} without a message", $"{e}");
            if (!expected.ErrorAllowed) return ($"{e.GetType().Name} where no error is allowed", $"threw {e}");
            return ($"refused: {e.GetType().Name}", null);
        }
        catch (InconsistentReadException e)
        {
            return ("inconsistent reads", e.Message);
        }
        catch (Exception e)
        {
            return ($"{e.GetType().Name} at {Where(e)}", $"threw {e}");
        }

        started = Stopwatch.GetTimestamp();
        var fingerprint = state.Fingerprint();
        foreach (var (workload, min, max) in expected.States)
        {
            foreach (var prefix in workload.PrefixesWith(fingerprint))
            {
                if (prefix < min || prefix > max || !workload.StateAt(prefix).SameAs(state)) continue;
                Time(ref _matchOnly, ref started);
                var which = prefix == workload.CommitCount ? "every commit" : "an earlier prefix";
                return ($"opened: {(workload == expected.States[0].Workload ? "" : "the changed workload, ")}{which}{(recovery.SuperblockCopy != currentSlot ? " (older copy)" : "")}", null);
            }
        }
        if (expected.States.Count == 0)
            return ("opened where an error was required", $"opened (superblock copy {recovery.SuperblockCopy}, {recovery.Reason}; last commit {recovery.LastCommit}{(recovery.LostCommits is { } lost ? $"; commits {lost.First}..{lost.Last} lost: {recovery.LossReason}" : "")})");
        var closest = expected.States[0];
        var at = (int)Math.Min(recovery.LastCommit, (ulong)closest.Max);
        at = Math.Max(at, closest.Min);
        return ("wrong contents",
            $"opened (superblock copy {recovery.SuperblockCopy}, {recovery.Reason}; last commit {recovery.LastCommit}) to contents that are no allowed state; against {closest.Workload.Name} after commit {at}:\n{state.Difference(closest.Workload.StateAt(at))}");
    }

    private void Time(ref TimeSpan total, ref long started)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_outcomes) total += Stopwatch.GetElapsedTime(started, now);
        started = now;
    }

    /// <summary>Every tree: verified, scanned, counted, and looked up key by key for a sample.</summary>
    private static FuzzState ReadAll(Store store)
    {
        var state = new FuzzState();
        foreach (var name in store.TreeNames)
        {
            if (!store.TryGetTree(name, out var tree)) throw new InconsistentReadException($"Tree '{name}' is listed but cannot be found.");
            tree.Verify();
            var keys = new SortedDictionary<Bpos, byte[]>();
            foreach (var (key, value) in tree.Scan())
            {
                if (!keys.TryAdd(key, value.ToArray())) throw new InconsistentReadException($"Tree '{name}': the scan returned {key} twice.");
            }
            if (tree.Count != keys.Count) throw new InconsistentReadException($"Tree '{name}' counts {tree.Count} keys; a scan finds {keys.Count}.");
            var step = Math.Max(1, keys.Count / 16);
            foreach (var (key, value) in keys.Where((_, i) => i % step == 0))
            {
                if (tree.Get(key) is not { } found || !found.AsSpan().SequenceEqual(value)) throw new InconsistentReadException($"Tree '{name}': a lookup of {key} disagrees with the scan.");
            }
            state[name] = keys;
        }
        return state;
    }

    /// <summary>Reads of one store that disagree with each other.</summary>
    private sealed class InconsistentReadException(string message) : Exception(message);

    /// <summary>The innermost Packtree frame of the stack, to tell failures apart.</summary>
    private static string Where(Exception e)
    {
        var frames = new StackTrace(e).GetFrames();
        var frame = frames.FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Packtree", StringComparison.Ordinal) == true && f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Packtree.Tests", StringComparison.Ordinal) != true);
        var method = frame?.GetMethod();
        return method is null ? "?" : $"{method.DeclaringType?.Name}.{method.Name}";
    }
}
