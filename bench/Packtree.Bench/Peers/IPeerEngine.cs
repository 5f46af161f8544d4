namespace Packtree.Bench.Peers;

/// <summary>One engine under the peer workloads: each put its own commit, each get and scan its own read.</summary>
public interface IPeerEngine : IDisposable
{
    /// <summary>Whether the engine has ordered scans (FASTER does not).</summary>
    bool SupportsScans { get; }

    /// <summary>Whether each commit can be made durable on its own (fillsync).</summary>
    bool SupportsSyncCommits { get; }

    /// <summary>The durability setting in force, as the report states it.</summary>
    string Durability { get; }

    /// <summary>Stores a value (one commit).</summary>
    void Put(in BenchKey key, ReadOnlySpan<byte> value);

    /// <summary>Reads a value into <paramref name="value"/>; false when absent.</summary>
    bool Get(in BenchKey key, Span<byte> value);

    /// <summary>Reads up to <paramref name="count"/> keys from <paramref name="from"/> on, in order; returns how many.</summary>
    int Scan(in BenchKey from, int count);

    /// <summary>Reads every key in order (or reversed); returns how many.</summary>
    long ScanAll(bool reverse);

    /// <summary>A handle for another thread, to read and write with (itself when the engine is thread-safe).</summary>
    IPeerEngine ForThread();

    /// <summary>Figures on how the engine stores its keys, reported after each fill; none unless the engine has them.</summary>
    IEnumerable<PeerMetric> KeyFigures() => [];

    /// <summary>Makes everything durable and settled (before bytes on disk are counted).</summary>
    void Flush();
}
