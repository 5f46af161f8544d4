using System.Diagnostics;
using Packtree.CommandLine;

namespace Packtree.Bench.Peers;

/// <summary>
/// The suite's side of one worker process (one engine, one kind of keys), kept alive across rounds: a
/// step is sent, and its answer read back, as <see cref="PeerProtocol"/> says.
/// </summary>
public sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _errors = new();

    private PeerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_errors)
            {
                _errors.Enqueue(e.Data);
                if (_errors.Count > 20) _errors.Dequeue();
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts the worker; it makes its keys and then waits for steps (see <see cref="WaitUntilReady"/>).</summary>
    public static PeerProcess Start(string engine, string kind, int count, BenchSettings settings) =>
        StartCommand(engine, ["peer-worker", engine, kind, "--keys", $"{count}", "--threads", $"{settings.Threads}", .. settings.Quick ? new[] { "--quick" } : []]);

    /// <summary>Starts this program with <paramref name="arguments"/> (a hidden worker command that speaks <see cref="PeerProtocol"/>) for <paramref name="engine"/>.</summary>
    public static PeerProcess StartCommand(string engine, string[] arguments)
    {
        var start = SelfProcess.StartInfo(redirectInput: true, arguments);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"The worker process of {engine} did not start.");
        return new PeerProcess(process);
    }

    /// <summary>Null once the worker has made its keys; otherwise why it cannot go on.</summary>
    public string? WaitUntilReady()
    {
        while (ReadMessage() is { } message)
        {
            if (message == "ready") return null;
        }
        return Ended();
    }

    /// <summary>Runs <paramref name="step"/> in the worker and returns its figures, or the reason (skipped or failed) it ended instead.</summary>
    public (List<PeerMetric> Figures, string? Ended) Send(string step)
    {
        try
        {
            _process.StandardInput.WriteLine(step);
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            return ([], Ended());
        }
        List<PeerMetric> figures = [];
        while (ReadMessage() is { } message)
        {
            if (message == "done") return (figures, null);
            if (message.StartsWith("metric ", StringComparison.Ordinal)) figures.Add(PeerProtocol.ParseMetric(message));
            else if (message.StartsWith("skipped ", StringComparison.Ordinal)) return (figures, message["skipped ".Length..]);
            else if (message.StartsWith("failed ", StringComparison.Ordinal)) return (figures, $"failed: {message["failed ".Length..]}");
        }
        return (figures, Ended());
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close(); // the worker ends at the end of its input
            if (!_process.WaitForExit(TimeSpan.FromSeconds(30))) _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit();
        _process.Dispose();
    }

    /// <summary>The next protocol message, skipping whatever else the engine printed; null at the end of the output.</summary>
    private string? ReadMessage()
    {
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (PeerProtocol.Message(line) is { } message) return message;
        }
        return null;
    }

    /// <summary>Why the worker's output ended early: its exit code and the last thing it wrote to standard error.</summary>
    private string Ended()
    {
        _process.WaitForExit();
        string last;
        lock (_errors) last = _errors.LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "no message";
        return $"failed (exit code {_process.ExitCode}): {last}";
    }
}
