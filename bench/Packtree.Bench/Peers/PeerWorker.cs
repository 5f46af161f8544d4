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
        return Serve($"packtree-peer-{name}", needs, quick, folder => new PeerSession(name, open, kind, count, threads, quick, folder));
    }

    /// <summary>
    /// Serves the steps of a session made in a new temporary folder (named from <paramref name="prefix"/>, deleted at
    /// the end) as <see cref="PeerProtocol"/> says. An exception that means the engine's native library is missing
    /// (or one <paramref name="skip"/> names a reason for) ends the worker as skipped; any other as failed.
    /// </summary>
    public static int Serve(string prefix, string needs, bool quick, Func<string, IPeerWorkerSession> start, Func<Exception, string?>? skip = null)
    {
        var idleLimit = TimeSpan.FromSeconds(quick ? 5 : 30);
        var folder = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var output = Console.Out;
        try
        {
            using var session = start(folder);
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
                catch (Exception e) when (skip?.Invoke(e) is { } reason)
                {
                    output.WriteLine(PeerProtocol.Skipped(reason));
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
            foreach (var figure in session.Closing()) output.WriteLine(PeerProtocol.Metric(figure));
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
