using BenchmarkDotNet.Attributes;

namespace Packtree.Benchmarks;

/// <summary>
/// Uncontended lock pairs on one thread: the store's lock against the <see cref="ReaderWriterLockSlim"/>
/// (with recursion, as the store had it). Results are per pair.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class StoreLockBenchmarks
{
    private readonly StoreLock _storeLock = new();
    private readonly ReaderWriterLockSlim _slim = new(LockRecursionPolicy.SupportsRecursion);

    [Benchmark(Baseline = true, Description = "ReaderWriterLockSlim read pair")]
    public void SlimRead()
    {
        _slim.EnterReadLock();
        _slim.ExitReadLock();
    }

    [Benchmark(Description = "StoreLock read pair")]
    public void StoreLockRead()
    {
        _storeLock.EnterRead();
        _storeLock.ExitRead();
    }

    [Benchmark(Description = "ReaderWriterLockSlim nested read pair")]
    public void SlimNestedRead()
    {
        _slim.EnterReadLock();
        _slim.EnterReadLock();
        _slim.ExitReadLock();
        _slim.ExitReadLock();
    }

    [Benchmark(Description = "StoreLock nested read pair")]
    public void StoreLockNestedRead()
    {
        _storeLock.EnterRead();
        _storeLock.EnterRead();
        _storeLock.ExitRead();
        _storeLock.ExitRead();
    }

    [Benchmark(Description = "ReaderWriterLockSlim write pair")]
    public void SlimWrite()
    {
        _slim.EnterWriteLock();
        _slim.ExitWriteLock();
    }

    [Benchmark(Description = "StoreLock write pair")]
    public void StoreLockWrite()
    {
        _storeLock.EnterWrite();
        _storeLock.ExitWrite();
    }
}
