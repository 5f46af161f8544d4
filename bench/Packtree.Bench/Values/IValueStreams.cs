namespace Packtree.Bench.Values;

/// <summary>An engine's streaming of values, where it has one beside its whole-value calls.</summary>
public interface IValueStreams
{
    /// <summary>Stores the whole of <paramref name="value"/> as one value, read as it comes.</summary>
    void Put(byte[] key, Stream value);

    /// <summary>A read-only stream over a stored value.</summary>
    Stream OpenRead(byte[] key);
}
