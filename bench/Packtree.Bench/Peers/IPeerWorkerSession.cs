namespace Packtree.Bench.Peers;

/// <summary>What a worker process runs: the steps the suite sends, one at a time, and the settings it reports when it ends.</summary>
public interface IPeerWorkerSession : IDisposable
{
    /// <summary>Runs one step; returns its figures.</summary>
    List<PeerMetric> Run(string step);

    /// <summary>Figures reported once, after the last step (beside the peak working set): the engine's settings.</summary>
    IEnumerable<PeerMetric> Closing();
}
