using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Tests.Codegen;

/// <summary>The cache, tiered compilation, verification mode and the options.</summary>
public sealed class CodecSelectionTests
{
    private static readonly BkeyFormat Aligned = BkeyFormat.Create([8, 16, 0, 8, 0, 0], [100, 5000, 0, 0, 0, 0]);
    private static readonly BkeyFormat Unaligned = BkeyFormat.Create([13, 45, 26, 20, 0, 0], [0, 0, 0, 0, 0, 0]);

    [Fact]
    public void TheCacheCompilesEachFormatOnceEvenUnderConcurrency()
    {
        var cache = new CompiledCodeCache(8);
        var compiledBefore = CodegenMetrics.Compilations;
        var codecs = new CompiledKeyCodec[16];
        Parallel.For(0, codecs.Length, i => codecs[i] = cache.GetOrCompile(BkeyFormat.Create([8, 16, 0, 8, 0, 0], [100, 5000, 0, 0, 0, 0])));
        Assert.All(codecs, c => Assert.Same(codecs[0], c));
        Assert.Equal(1, cache.Count);
        Assert.True(CodegenMetrics.Compilations - compiledBefore >= 1);
        Assert.True(codecs[0].CompileTime > TimeSpan.Zero);
    }

    [Fact]
    public void AFullCacheDropsTheOldestFormats()
    {
        var cache = new CompiledCodeCache(3);
        var formats = Enumerable.Range(0, 6).Select(i => BkeyFormat.Create([8, 16, 0, 8, 0, 0], [(ulong)i, 0, 0, 0, 0, 0])).ToArray();
        var first = cache.GetOrCompile(formats[0]);
        foreach (var format in formats[1..]) cache.GetOrCompile(format);
        Assert.Equal(3, cache.Count);
        Assert.NotSame(first, cache.GetOrCompile(formats[0])); // recompiled after eviction
        Assert.Throws<ArgumentOutOfRangeException>(() => new CompiledCodeCache(0));
    }

    [FactUnlessStrategyForced]
    public async Task AutoStartsPortableAndCompilesOnceTheThresholdIsReached()
    {
        var codec = Assert.IsType<TieredKeyCodec>(KeyCodecFactory.Create(Aligned, new KeyCodecOptions { CompileThreshold = 100, Cache = new CompiledCodeCache() }));
        Assert.Equal(UnpackStrategy.ByteAligned, codec.Strategy);
        var key = new Bkey(new Bpos(150, 6000, 0), size: 3);
        var packed = new byte[Aligned.KeyBytes];
        Assert.True(Aligned.TryPack(key, packed));
        for (var i = 0; i < 99; i++) Assert.Equal(key, Unpack(codec, packed));
        Assert.Null(codec.Compilation);
        Assert.Equal(key, Unpack(codec, packed));
        Assert.NotNull(codec.Compilation);
        Assert.Same(codec.Compilation, await Task.WhenAny(codec.Compilation!, Task.Delay(TimeSpan.FromSeconds(30)))); // else the background compile did not finish
        await codec.Compilation!;
        Assert.Equal(UnpackStrategy.Compiled, codec.Strategy);
        Assert.Equal(key, Unpack(codec, packed));

        // Caches of their own: what a format has read, and its code, are shared through the cache by every node of the format.
        var unaligned = KeyCodecFactory.Create(Unaligned, new KeyCodecOptions { CompileThreshold = 1_000_000, Cache = new CompiledCodeCache() });
        Assert.Equal(UnpackStrategy.Generic, unaligned.Strategy); // byte-aligned falls back to generic, as in bcachefs
        var immediate = KeyCodecFactory.Create(Unaligned, new KeyCodecOptions { CompileThreshold = 0, Cache = new CompiledCodeCache() });
        Assert.Equal(UnpackStrategy.Compiled, immediate.Strategy);
    }

    [FactUnlessStrategyForced]
    public async Task AutoCountsTheReadsOfEveryNodeOfAFormatTogether()
    {
        // Two nodes of one format, each reading fewer keys than the threshold: together they pass it, and both get the code.
        var options = new KeyCodecOptions { CompileThreshold = 100, Cache = new CompiledCodeCache() };
        var first = Assert.IsType<TieredKeyCodec>(KeyCodecFactory.Create(Aligned, options));
        var second = Assert.IsType<TieredKeyCodec>(KeyCodecFactory.Create(Aligned, options));
        var other = Assert.IsType<TieredKeyCodec>(KeyCodecFactory.Create(Unaligned, options));
        var key = new Bkey(new Bpos(150, 6000, 0), size: 3);
        var packed = new byte[Aligned.KeyBytes];
        Assert.True(Aligned.TryPack(key, packed));
        for (var i = 0; i < 60; i++) Assert.Equal(key, Unpack(first, packed));
        Assert.Null(second.Compilation);
        for (var i = 0; i < 40; i++) Assert.Equal(key, Unpack(second, packed));
        Assert.NotNull(first.Compilation);
        Assert.Same(first.Compilation, second.Compilation);
        Assert.Same(first.Compilation, await Task.WhenAny(first.Compilation!, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.Equal(UnpackStrategy.Compiled, first.Strategy);
        Assert.Equal(UnpackStrategy.Compiled, second.Strategy);
        Assert.Equal(key, Unpack(second, packed));
        Assert.Null(other.Compilation); // another format keeps its own count
    }

    [Fact]
    public void VerificationThrowsWithBothResultsWhenACodecIsWrong()
    {
        var verifying = new VerifyingKeyCodec(new OffByOneCodec(Aligned));
        var packed = new byte[Aligned.KeyBytes];
        Assert.True(Aligned.TryPack(new Bkey(new Bpos(150, 6000, 0)), packed));
        var error = Assert.Throws<CodecMismatchException>(() => verifying.UnpackPosition(packed));
        Assert.Contains("150:6000:0", error.Message, StringComparison.Ordinal);
        Assert.Contains("151:6000:0", error.Message, StringComparison.Ordinal);

        var good = new VerifyingKeyCodec(KeyCodecFactory.Create(Aligned, UnpackStrategy.Compiled));
        Assert.Equal(new Bpos(150, 6000, 0), good.UnpackPosition(packed));
        Assert.IsType<VerifyingKeyCodec>(KeyCodecFactory.Create(Aligned, new KeyCodecOptions { Verify = true }));
    }

    [Fact]
    public void OptionsAndStrategyNamesAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyCodecOptions { CompileThreshold = -1 });
        Assert.Equal(UnpackStrategy.ByteAligned, KeyCodecFactory.ParseStrategy("byte-aligned"));
        Assert.Equal(UnpackStrategy.Compiled, KeyCodecFactory.ParseStrategy(" Compiled "));
        Assert.Null(KeyCodecFactory.ParseStrategy(""));
        var error = Assert.Throws<ArgumentException>(() => KeyCodecFactory.ParseStrategy("jit"));
        Assert.Contains("'jit'", error.Message, StringComparison.Ordinal);
    }

    private static Bkey Unpack(KeyCodec codec, byte[] packed)
    {
        codec.Unpack(packed, out var key);
        return key;
    }

    /// <summary>A deliberately wrong codec: every inode comes out one too high.</summary>
    private sealed class OffByOneCodec(BkeyFormat format) : KeyCodec(format)
    {
        public override UnpackStrategy Strategy => UnpackStrategy.Compiled;

        public override void Unpack(ReadOnlySpan<byte> packed, out Bkey key)
        {
            Format.Unpack(packed, out key);
            key.Position = new Bpos(key.Position.Inode + 1, key.Position.Offset, key.Position.Snapshot);
        }

        public override Bpos UnpackPosition(ReadOnlySpan<byte> packed)
        {
            var position = Format.UnpackPosition(packed);
            return new Bpos(position.Inode + 1, position.Offset, position.Snapshot);
        }
    }
}
