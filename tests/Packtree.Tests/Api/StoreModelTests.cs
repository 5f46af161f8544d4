using CsCheck;
using Packtree.Codegen;
using Packtree.Keys;
using Packtree.Tests.Storage;
using Packtree.Tests.Trees;
using Xunit.Abstractions;

namespace Packtree.Tests.Api;

/// <summary>
/// The public API against a model of two sorted maps, model-based with CsCheck: random sequences of puts
/// (overwrites, every value size up to the largest, and one byte too many), deletes of present and absent
/// keys, gets four ways, scans of open, closed, half-open and empty ranges both ways, cursor walks, batches
/// across both trees, runs of hundreds of puts and mass deletes, checkpoints and <see cref="Tree.Verify()"/>;
/// on a store file also reopens (gracefully and as after a crash) and flushes, the model unchanged. Each
/// sequence ends with both trees checked whole against the model. A failure is shrunk to a short sequence
/// and printed with the seed that replays it.
/// </summary>
/// <remarks>
/// Iterations are fixed for CI; <c>PACKTREE_MODEL_ITER=N</c> runs N times as many (<c>PACKTREE_LONG_TESTS=1</c>
/// ten times). CsCheck's own <c>CsCheck_Seed</c> replays a printed seed, and <c>CsCheck_Iter</c> and
/// <c>CsCheck_Time</c> set the number of iterations or the seconds to run.
/// </remarks>
public sealed class StoreModelTests(ITestOutputHelper output)
{
    public static TheoryData<UnpackStrategy> Strategies => [UnpackStrategy.Generic, UnpackStrategy.ByteAligned, UnpackStrategy.Compiled, UnpackStrategy.Auto];

    private static StoreOptions InMemoryOptions(UnpackStrategy strategy) =>
        new() { NodeBytes = 4096, BlockBytes = 512, UnpackStrategy = strategy, CompileThreshold = 64, MaxValueBytes = LargestValue };

    /// <summary>
    /// Write buffers of every size that matters: none, one entry (applied at every update), a few dozen entries, the
    /// default, and one never applied by size (only by checkpoints, reopens, read scopes and the check's Verify).
    /// </summary>
    private static readonly Gen<long> WriteBufferBytes = Gen.OneOf(Gen.Const(0L), Gen.Const(1L), Gen.Const(4096L), Gen.Const(StoreOptions.Default.WriteBufferBytes), Gen.Const(long.MaxValue));

    /// <summary>The stores' largest value: values across the leaves' limit (896 bytes in 4 KiB nodes) go out of line, some across two 4 KiB buckets.</summary>
    private const int LargestValue = 2_000;

    /// <summary>The quick run, for every test pass.</summary>
    [Fact]
    public void TheStoreBehavesLikeItsModel() => RunInMemory(UnpackStrategy.Auto, iterations: 60, expectDepth: false);

    /// <summary>Longer runs under each unpack strategy.</summary>
    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(Strategies))]
    public void TheStoreBehavesLikeItsModelUnderEachStrategy(UnpackStrategy strategy) => RunInMemory(strategy, iterations: 300, expectDepth: true);

    /// <summary>The quick run on a store file.</summary>
    [Fact]
    public void AStoreFileBehavesLikeItsModel() => RunOnDisk(iterations: 10, expectCoverage: false);

    /// <summary>
    /// A store file with a small cache (most reads go to disk) and a small journal (commits fill it, so
    /// checkpoints come often), reopened within the sequences; the model does not change across a reopen.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void AStoreFileBehavesLikeItsModelAcrossReopens() => RunOnDisk(iterations: 200, expectCoverage: true);

    private void RunOnDisk(long iterations, bool expectCoverage)
    {
        using var folder = new TempFolder();
        using var stores = new StoreBag();
        var coverage = new ModelCoverage();
        var initial = Gen.Select(Gen.Frequency((1, Gen.Const(Durability.Flush)), (2, Gen.Const(Durability.Buffered))), WriteBufferBytes, (durability, buffer) =>
        {
            var options = new StoreOptions
            {
                NodeBytes = 4096,
                BlockBytes = 512,
                CacheBytes = 16 * 4096 * 4, // 64 nodes
                JournalBytes = 1024 * 1024,
                Durability = durability,
                WriteBufferBytes = buffer,
                CompileThreshold = 64,
                MaxValueBytes = LargestValue,
            };
            var store = stores.Add(StoreUnderTest.OnDisk(folder.File($"{Guid.NewGuid():N}.packtree"), options, coverage));
            return (store, new StoreModel(store.MaxValueBytes));
        });
        Run(initial, StoreOp.Any(file: true, runKeys: 300), iterations, coverage, "file");
        if (!expectCoverage || !ModelCoverage.Expected) return;
        Assert.True(coverage.MaxLevels >= 3, $"The trees reached only {coverage.MaxLevels} levels.");
        Assert.True(coverage.Reopens > 0, "No sequence reopened its store.");
        Assert.True(coverage.Evictions > 0, "The small cache evicted nothing.");
    }

    private void RunInMemory(UnpackStrategy strategy, long iterations, bool expectDepth)
    {
        var coverage = new ModelCoverage();
        var initial = WriteBufferBytes.Select(buffer =>
        {
            var store = StoreUnderTest.InMemory(InMemoryOptions(strategy) with { WriteBufferBytes = buffer }, coverage); // holds nothing to release: left to the collector
            return (store, new StoreModel(store.MaxValueBytes));
        });
        Run(initial, StoreOp.Any(file: false, runKeys: 400), iterations, coverage, strategy.ToString());
        if (!ModelCoverage.Expected) return;
        Assert.True(coverage.MaxLevels >= (expectDepth ? 3 : 2), $"The trees reached only {coverage.MaxLevels} levels.");
        if (expectDepth) Assert.True(coverage.MassDeletes > 0, "No mass delete ran on a tree of 500 keys or more.");
    }

    private void Run(Gen<(StoreUnderTest, StoreModel)> initial, Gen<StoreOp> operations, long iterations, ModelCoverage coverage, string what)
    {
        var started = DateTime.UtcNow;
        initial.SampleModelBased(
            operations.Operation<StoreUnderTest, StoreModel>(op => op.ToString(), (s, op) => op.Run(s), (m, op) => op.Run(m)),
            equal: (s, m) => s.Matches(m),
            iter: ModelGen.Iterations(iterations),
            printActual: s => s.ToString(),
            printModel: m => $"two empty trees, values up to {m.MaxValueBytes} bytes");
        output.WriteLine($"{what}: {DateTime.UtcNow - started:mm\\:ss\\.f}; {coverage}");
    }
}

internal static class ScanExtensions
{
    public static List<Bpos> ToKeys(this ScanEnumerable scan)
    {
        var keys = new List<Bpos>();
        foreach (var entry in scan) keys.Add(entry.Key);
        return keys;
    }
}
