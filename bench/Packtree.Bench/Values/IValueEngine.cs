namespace Packtree.Bench.Values;

/// <summary>One engine under the values workloads: byte keys, each put its own commit, whole values read into a buffer.</summary>
public interface IValueEngine : IDisposable
{
    /// <summary>The durability setting in force, and how the store is laid out, as the report states it.</summary>
    string Durability { get; }

    /// <summary>The engine's own cache budget in bytes, which memory while streaming is counted above; 0 where it has none to state.</summary>
    long CacheBytes => 0;

    /// <summary>Stores a value (one commit).</summary>
    void Put(byte[] key, ReadOnlySpan<byte> value);

    /// <summary>Reads a value into <paramref name="buffer"/> (as large as every value of the case); false when absent.</summary>
    bool Get(byte[] key, Span<byte> buffer);

    /// <summary>Reads every key in order with its value, a byte of each summed inside; returns how many.</summary>
    long ScanAll();

    /// <summary>Makes everything durable and settled (before bytes on disk are counted).</summary>
    void Flush();

    /// <summary>Stores the whole of <paramref name="value"/>, read as it comes, as one value (one commit).</summary>
    /// <exception cref="NotSupportedException">The engine cannot take a value as a stream.</exception>
    void PutStream(byte[] key, Stream value) => throw new NotSupportedException("this engine has no streaming of values");

    /// <summary>A read-only stream over a stored value, read as it goes.</summary>
    /// <exception cref="NotSupportedException">The engine cannot hand a value out as a stream.</exception>
    Stream OpenRead(byte[] key) => throw new NotSupportedException("this engine has no streaming of values");
}
