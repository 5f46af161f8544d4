namespace Packtree.Bench.Peers;

/// <summary>A blittable key FASTER stores in its log: made from a bench key, hashed and compared by value.</summary>
public interface IFasterKey<TSelf> where TSelf : struct, IFasterKey<TSelf>
{
    /// <summary>The key for <paramref name="key"/>.</summary>
    static abstract TSelf From(in BenchKey key);

    /// <summary>The hash FASTER's index buckets by.</summary>
    long Hash64();

    /// <summary>Whether two keys are the same key.</summary>
    bool Same(in TSelf other);
}
