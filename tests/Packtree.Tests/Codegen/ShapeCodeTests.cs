using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Tests.Codegen;

/// <summary>
/// Code shared by a shape: compiled once for the widths, bound to each format's offsets, it reads every format of the
/// shape exactly as the generic path does (random schemas, positions included, runs mixing packed and unpacked keys);
/// Auto counts a shape's runs across its formats and gives every format the shared kernel once they repay it.
/// </summary>
public sealed class ShapeCodeTests
{
    [Fact]
    public void OneShapesCodeReadsEveryFormatOfTheShapeAsTheGenericPathDoes()
    {
        var random = new Random(20261130);
        var cache = new CompiledCodeCache();
        var compiledBefore = CodegenMetrics.ShapeCompilations;
        var formats = 0;
        for (var trial = 0; trial < 120; trial++)
        {
            var schema = trial % 6 == 5 ? KeySchema.Positions : SchemaKeyGenerators.Schema(random);
            var node = NodeRun.Random(random, schema, schema.IsPositions ? 150 : 50);
            var code = cache.GetOrCompileShape(node.Format);
            Assert.Equal(node.Format.Shape, code.Shape);
            // Two formats of the shape: the node's own, and the shape itself (every offset 0): the same code, bound to each.
            foreach (var format in new[] { node.Format, node.Format.Shape })
            {
                var stride = schema.KeyFieldCount;
                var expected = new ulong[(node.Keys.Count + 1) * stride];
                var got = new ulong[expected.Length];
                var generic = new GenericKeyCodec(format).UnpackKeys(node.Run, expected);
                Assert.Equal(generic, RunKeys.UnpackKeys(code.UnpackKeysFor(format), format, node.Run, got));
                Assert.True(got.AsSpan().SequenceEqual(expected), $"trial {trial}: format [{format}] read differently from generic");
                Assert.Same(code, cache.GetOrCompileShape(format));
                formats++;
            }
        }
        Assert.True(formats >= 240);
        Assert.True(CodegenMetrics.ShapeCompilations - compiledBefore <= 120, "a shape is compiled once");
        var other = BkeyFormat.Create(KeySchema.Positions, [0, 20, 8, 0, 0, 0], [5, 0, 0, 0, 0, 0]);
        var shape = cache.GetOrCompileShape(BkeyFormat.Create(KeySchema.Positions, [0, 21, 8, 0, 0, 0], [5, 0, 0, 0, 0, 0]));
        Assert.Throws<ArgumentException>(() => shape.UnpackKeysFor(other));
    }

    [FactUnlessStrategyForced]
    public async Task AutoGivesEveryFormatOfAShapeItsKernelOnceTheirRunsTogetherRepayIt()
    {
        var options = new KeyCodecOptions { CompileThreshold = 100, Cache = new CompiledCodeCache() };
        // Two formats of one shape (offsets differ), each reading fewer keys than the threshold.
        var first = BkeyFormat.Create(KeySchema.Positions, [0, 20, 8, 0, 0, 0], [7, 1000, 0, 0, 0, 0]);
        var second = BkeyFormat.Create(KeySchema.Positions, [0, 20, 8, 0, 0, 0], [7, 5_000_000, 0, 0, 0, 0]);
        var a = Assert.IsType<TieredKeyCodec>(KeyCodecFactory.Create(first, options));
        var b = Assert.IsType<TieredKeyCodec>(KeyCodecFactory.Create(second, options));
        var (runA, keysA) = Run(first, 60);
        var (runB, keysB) = Run(second, 60);
        var fields = new ulong[60 * 3];
        Assert.Equal(60, a.UnpackKeys(runA, fields));
        Assert.Null(b.ShapeCompilation);
        Assert.Equal(60, b.UnpackKeys(runB, fields));
        Assert.NotNull(b.ShapeCompilation);
        Assert.Same(a.ShapeCompilation, b.ShapeCompilation);
        Assert.Same(b.ShapeCompilation, await Task.WhenAny(b.ShapeCompilation!, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.Null(a.Compilation); // neither format alone reached the threshold: no code of its own
        foreach (var (codec, run, keys) in new[] { (a, runA, keysA), (b, runB, keysB) })
        {
            Array.Clear(fields);
            Assert.Equal(60, codec.UnpackKeys(run, fields));
            for (var i = 0; i < 60; i++) Assert.Equal(keys[i], KeyFields.ToPosition(fields.AsSpan(i * 3, 3)));
        }
    }

    /// <summary>A run of <paramref name="count"/> packed position keys of <paramref name="format"/>, each with a word of value.</summary>
    private static (byte[] Run, Bpos[] Keys) Run(BkeyFormat format, int count)
    {
        var keys = Enumerable.Range(0, count).Select(i => new Bpos(7, format.Fields[1].Offset + (ulong)(i * 3), (uint)(i % 4))).ToArray();
        var run = new byte[count * (format.KeyBytes + 8)];
        for (var i = 0; i < count; i++)
        {
            var at = i * (format.KeyBytes + 8);
            Assert.True(format.TryPack(new Bkey(keys[i], 1, 1), run.AsSpan(at)));
        }
        return (run, keys);
    }
}
