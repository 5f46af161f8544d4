using System.Diagnostics;

namespace Packtree.Bench.Peers;

/// <summary>How the worker times a workload, and runs reads on several threads.</summary>
public static class PeerTiming
{
    /// <summary>Seconds <paramref name="body"/> takes, after a full collection so that no earlier garbage is collected on its time.</summary>
    public static double Time(Action body)
    {
        GC.Collect();
        var start = Stopwatch.GetTimestamp();
        body();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// <paramref name="operations"/> reads split over <paramref name="threads"/> threads, each with its own
    /// reader, random generator and buffer; on this thread alone when <paramref name="threads"/> is 1.
    /// </summary>
    public static void Parallel(IPeerEngine engine, int threads, int operations, Action<IPeerEngine, Random, byte[]> read)
    {
        if (threads <= 1)
        {
            var random = new Random(3);
            var buffer = new byte[PeerKeys.ValueBytes];
            for (var i = 0; i < operations; i++) read(engine, random, buffer);
            return;
        }
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            using var reader = engine.ForThread() is var r && !ReferenceEquals(r, engine) ? r : null;
            var random = new Random(100 + t);
            var buffer = new byte[PeerKeys.ValueBytes];
            var mine = reader ?? engine;
            for (var i = t; i < operations; i += threads) read(mine, random, buffer);
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
    }

    /// <summary>
    /// Waits until this process has been idle (under 5% of one core over 100 ms) or <paramref name="limit"/>
    /// has passed; returns the seconds waited. The workers of all engines run side by side, so an engine's
    /// background work (compactions, log writers, merges) must not still be running while another is timed.
    /// </summary>
    public static double WaitUntilIdle(TimeSpan limit)
    {
        var window = TimeSpan.FromMilliseconds(100);
        using var self = Process.GetCurrentProcess();
        var start = Stopwatch.GetTimestamp();
        var before = self.TotalProcessorTime;
        while (Stopwatch.GetElapsedTime(start) < limit)
        {
            Thread.Sleep(window);
            self.Refresh();
            var now = self.TotalProcessorTime;
            if (now - before < window * 0.05) break;
            before = now;
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
