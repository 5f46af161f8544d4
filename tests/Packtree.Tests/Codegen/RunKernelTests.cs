using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Tests.Codegen;

/// <summary>
/// Model-based checks of the run operations (unpack a run, unpack positions, find the first key at or
/// after a position) under every strategy: runs of sorted keys, some packed and some stored unpacked,
/// with values of any length, against the list of keys they were built from.
/// </summary>
public sealed class RunKernelTests
{
    private static readonly UnpackStrategy[] Strategies = [UnpackStrategy.Generic, UnpackStrategy.ByteAligned, UnpackStrategy.Compiled];

    [Fact]
    public void RunOperationsAgreeWithTheKeysTheRunWasBuiltFrom()
    {
        var random = new Random(12345);
        for (var trial = 0; trial < 150; trial++)
        {
            var (format, keys, run, offsets) = RandomRun(random);
            foreach (var strategy in Strategies)
            {
                var codec = KeyCodecFactory.Create(format, strategy);
                var context = $"trial {trial}, {codec.Strategy}, format [{format}]";

                var unpacked = new Bkey[keys.Count + 3];
                Assert.True(keys.Count == codec.UnpackRun(run, unpacked), context);
                for (var i = 0; i < keys.Count; i++) Assert.True(keys[i] == unpacked[i], $"{context}: key {i}: expected {keys[i]}, got {unpacked[i]}");

                var positions = new Bpos[keys.Count];
                Assert.Equal(keys.Count, codec.UnpackPositions(run, positions));
                for (var i = 0; i < keys.Count; i++) Assert.True(keys[i].Position == positions[i], $"{context}: position {i}");

                // A destination smaller than the run takes as many keys as fit.
                var few = new Bkey[Math.Min(3, keys.Count)];
                Assert.Equal(few.Length, codec.UnpackRun(run, few));
                for (var i = 0; i < few.Length; i++) Assert.True(keys[i] == few[i], context);

                foreach (var search in SearchPositions(random, keys))
                {
                    var expected = keys.FindIndex(k => k.Position >= search);
                    var expectedOffset = expected < 0 ? run.Length : offsets[expected];
                    Assert.True(expectedOffset == codec.FindFirstAtOrAfter(run, search), $"{context}: search {search}");
                }
            }
        }
    }

    [Fact]
    public void MalformedRunsAreRefusedByEveryStrategy()
    {
        var format = new BkeyFormatBuilder().AddPosition(new Bpos(1, 0, 0)).AddPosition(new Bpos(100, 5000, 7)).Build();
        var good = new byte[format.KeyBytes];
        Assert.True(format.TryPackPosition(new Bpos(5, 5, 5), good));
        byte[][] runs =
        [
            [.. good, .. new byte[] { 0, 0, 0, 0 }],                                     // u64s 0 after a good key
            [.. good, .. good[..^1]],                                                    // the last key runs past the end
            [(byte)(format.KeyU64s + 3), .. good[1..]],                                  // value words missing
            [.. good, (byte)format.KeyU64s, 2, .. good[2..]],                            // format 2
        ];
        foreach (var strategy in Strategies)
        {
            var codec = KeyCodecFactory.Create(format, strategy);
            foreach (var run in runs)
            {
                Assert.Throws<InvalidPackedKeyException>(() => codec.UnpackRun(run, new Bkey[8]));
                Assert.Throws<InvalidPackedKeyException>(() => codec.UnpackPositions(run, new Bpos[8]));
                Assert.Throws<InvalidPackedKeyException>(() => codec.FindFirstAtOrAfter(run, Bpos.Max));
            }
        }
    }

    private static IEnumerable<Bpos> SearchPositions(Random random, List<Bkey> keys)
    {
        yield return Bpos.Min;
        yield return Bpos.Max;
        for (var i = 0; i < 12; i++)
        {
            var key = keys[random.Next(keys.Count)].Position;
            yield return key;
            if (key != Bpos.Max) yield return key.Successor();
            if (key != Bpos.Min) yield return key.Predecessor();
            yield return new Bpos(key.Inode, (ulong)random.NextInt64(), (uint)random.Next());
        }
    }

    /// <summary>A format computed from most of the keys (so some do not fit and are stored unpacked), and the run.</summary>
    private static (BkeyFormat Format, List<Bkey> Keys, byte[] Run, List<int> Offsets) RandomRun(Random random)
    {
        var count = random.Next(1, 60);
        var inodeBase = (ulong)random.NextInt64(0, 1L << random.Next(1, 63));
        var keys = new List<Bkey>();
        for (var i = 0; i < count; i++)
        {
            var position = new Bpos(
                inodeBase + (ulong)random.Next(0, 1 << random.Next(0, 12)),
                random.Next(4) == 0 ? (ulong)random.NextInt64() : (ulong)random.Next(0, 100000),
                random.Next(3) == 0 ? uint.MaxValue : (uint)random.Next(0, 1 << random.Next(0, 31)));
            var value = random.Next(4) == 0 ? random.Next(0, 6) : 0;
            keys.Add(new Bkey(position, (byte)random.Next(0, 40), value, (uint)random.Next(0, 200),
                random.Next(5) == 0 ? new Bversion((uint)random.Next(), (ulong)random.NextInt64()) : default, random.Next(6) == 0));
        }
        keys = [.. keys.DistinctBy(k => k.Position).OrderBy(k => k.Position)];

        var builder = new BkeyFormatBuilder();
        foreach (var key in keys.Where((_, i) => i % 5 != 4)) builder.AddKey(key); // every fifth key may not fit
        var format = builder.Build(roundToBytes: random.Next(2) == 0);

        var run = new List<byte>();
        var offsets = new List<int>();
        var buffer = new byte[Bkey.ByteCount];
        foreach (var key in keys)
        {
            offsets.Add(run.Count);
            var valueBytes = Enumerable.Range(0, key.ValueU64s * 8).Select(_ => (byte)random.Next(256)).ToArray();
            if (random.Next(8) != 0 && format.TryPack(key, buffer)) run.AddRange(buffer.AsSpan(0, format.KeyBytes));
            else
            {
                key.Write(buffer);
                run.AddRange(buffer);
            }
            run.AddRange(valueBytes);
        }
        return (format, keys, [.. run], offsets);
    }
}
