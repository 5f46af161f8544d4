using System.Diagnostics;

namespace Packtree.Bench.Peers;

/// <summary>
/// The worker process of one engine on one kind of keys: makes the keys, then runs the steps the suite
/// sends on standard input, one at a time, answering each as <see cref="PeerProtocol"/> says. Each answer
/// comes once the process is idle again, so no engine's background work runs while another is timed.
/// </summary>
public static class PeerWorker
{
    public static int Run(string engineName, string kind, int count, int threads, bool quick)
    {
        var (name, needs, open) = PeerCatalog.Engines.FirstOrDefault(e => e.Name == engineName);
        if (open is null) throw new ArgumentException($"No engine '{engineName}'; engines: {string.Join(", ", PeerCatalog.Engines.Select(e => e.Name))}.", nameof(engineName));
        var idleLimit = TimeSpan.FromSeconds(quick ? 5 : 30);
        var folder = Path.Combine(Path.GetTempPath(), $"packtree-peer-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var output = Console.Out;
        try
        {
            using var session = new PeerSession(name, open, kind, count, threads, quick, folder);
            output.WriteLine(PeerProtocol.Ready);
            output.Flush();
            while (Console.In.ReadLine() is { } step && step != PeerSteps.Quit)
            {
                try
                {
                    foreach (var figure in session.Run(step)) output.WriteLine(PeerProtocol.Metric(figure));
                    output.WriteLine(PeerProtocol.Metric(new PeerMetric("idle_wait_seconds", PeerTiming.WaitUntilIdle(idleLimit), "s")));
                    output.WriteLine(PeerProtocol.Done);
                }
                catch (Exception e) when (PeerCatalog.IsMissingNativeLibrary(e))
                {
                    output.WriteLine(PeerProtocol.Skipped($"its native library could not be loaded ({e.GetBaseException().Message}); it needs {needs}"));
                    return 0;
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine(e);
                    output.WriteLine(PeerProtocol.Failed($"{step}: {e.GetBaseException().GetType().Name}: {e.GetBaseException().Message}"));
                    return 1;
                }
                finally
                {
                    output.Flush();
                }
            }
            using var process = Process.GetCurrentProcess();
            output.WriteLine(PeerProtocol.Metric(new PeerMetric("peak_working_set_bytes", process.PeakWorkingSet64, "bytes")));
            output.WriteLine(PeerProtocol.Metric(new PeerMetric("durability_fill", 0, session.FillDurability)));
            output.WriteLine(PeerProtocol.Metric(new PeerMetric("durability_sync", 0, session.SyncDurability)));
            output.WriteLine(PeerProtocol.Done);
            output.Flush();
            return 0;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
