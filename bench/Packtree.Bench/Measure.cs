using System.Diagnostics;

namespace Packtree.Bench;

/// <summary>
/// Times a pass over a prepared data set: warm-up until the JIT has settled, then several rounds,
/// reporting the median time per operation. Every pass returns a checksum that is kept, so the JIT
/// cannot drop the work.
/// </summary>
public sealed class Measure(bool quick)
{
    private readonly TimeSpan _warmup = TimeSpan.FromMilliseconds(quick ? 30 : 250);
    private readonly TimeSpan _round = TimeSpan.FromMilliseconds(quick ? 10 : 60);
    private readonly int _rounds = quick ? 3 : 9;

    /// <summary>Sum of every checksum, printed so the work is observable.</summary>
    public ulong Sink { get; private set; }

    /// <summary>Median nanoseconds per operation of <paramref name="pass"/>, which performs <paramref name="operationsPerPass"/> operations.</summary>
    public double NanosecondsPerOperation(Func<ulong> pass, int operationsPerPass)
    {
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(_warmup.TotalSeconds * Stopwatch.Frequency);
        var passesPerRound = 0;
        var warmupStart = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() < warmupEnd)
        {
            Sink += pass();
            passesPerRound++;
        }
        var secondsPerPass = Stopwatch.GetElapsedTime(warmupStart).TotalSeconds / Math.Max(passesPerRound, 1);
        passesPerRound = Math.Max(1, (int)(_round.TotalSeconds / secondsPerPass));

        var samples = new double[_rounds];
        for (var round = 0; round < _rounds; round++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < passesPerRound; i++) Sink += pass();
            samples[round] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / ((double)passesPerRound * operationsPerPass);
        }
        return Spread.Of(samples).Median;
    }
}
