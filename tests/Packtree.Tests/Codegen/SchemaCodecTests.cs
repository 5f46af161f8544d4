using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Tests.Codegen;

/// <summary>
/// The codecs' operations over key fields, for keys of any schema (bcachefs positions included): on random schemas and
/// the keys of a node, every strategy returns exactly what the generic path returns and what the keys were, for one
/// key, for runs mixing packed and unpacked keys with values (into destinations of any size), and for searches at,
/// between, before and after the keys; bad keys are refused alike; verification catches a codec that disagrees.
/// </summary>
public sealed class SchemaCodecTests
{
    private static readonly CompiledCodeCache Cache = new(256);

    /// <summary>Every strategy, and the verifying codec around the compiled one.</summary>
    private static KeyCodec[] Codecs(BkeyFormat format) =>
    [
        new GenericKeyCodec(format),
        KeyCodecFactory.Create(format, new KeyCodecOptions { Strategy = UnpackStrategy.ByteAligned, Cache = Cache }),
        KeyCodecFactory.Create(format, new KeyCodecOptions { Strategy = UnpackStrategy.Compiled, Cache = Cache }),
        KeyCodecFactory.Create(format, new KeyCodecOptions { Strategy = UnpackStrategy.Auto, CompileThreshold = 0, Cache = Cache }),
        new VerifyingKeyCodec(KeyCodecFactory.Create(format, new KeyCodecOptions { Strategy = UnpackStrategy.Compiled, Cache = Cache })),
    ];

    [Fact]
    public void EveryStrategyReadsAndFindsKeysOfRandomSchemasAsTheGenericPathDoes()
    {
        var random = new Random(20261129);
        int aligned = 0, wide = 0, mixed = 0, longRuns = 0;
        for (var trial = 0; trial < 300; trial++)
        {
            // Positions runs longer than the compiled codec's buffer of positions, which its key-field members go through.
            var schema = trial % 10 == 9 ? KeySchema.Positions : SchemaKeyGenerators.Schema(random);
            var node = NodeRun.Random(random, schema, schema.IsPositions ? 200 : 60);
            aligned += node.Format.IsByteAligned ? 1 : 0;
            wide += node.Format.KeyU64s > 5 ? 1 : 0;
            mixed += node.PackedKeys.Count > 0 && node.PackedKeys.Count < node.Keys.Count ? 1 : 0;
            longRuns += node.Keys.Count > 64 ? 1 : 0;
            var stride = schema.KeyFieldCount;
            var generic = new GenericKeyCodec(node.Format);
            foreach (var codec in Codecs(node.Format))
            {
                var context = $"trial {trial}, {codec.Strategy} ({codec.GetType().Name}), schema {schema}, format [{node.Format}]";

                var one = new ulong[stride];
                foreach (var (packed, index) in node.PackedKeys)
                {
                    codec.UnpackKey(packed, one);
                    Assert.True(one.AsSpan().SequenceEqual(node.Keys[index].AsSpan(0, stride)), $"{context}: UnpackKey of key {index}");
                }

                var all = new ulong[(node.Keys.Count + 2) * stride];
                var expected = new ulong[all.Length];
                Assert.Equal(generic.UnpackKeys(node.Run, expected), codec.UnpackKeys(node.Run, all));
                Assert.True(all.AsSpan().SequenceEqual(expected), $"{context}: UnpackKeys differs from generic");
                for (var i = 0; i < node.Keys.Count; i++)
                    Assert.True(all.AsSpan(i * stride, stride).SequenceEqual(node.Keys[i].AsSpan(0, stride)), $"{context}: UnpackKeys key {i}");

                // A destination too small takes as many whole keys as fit, and nothing past them.
                var fit = random.Next(0, node.Keys.Count);
                var few = new ulong[fit * stride + random.Next(0, stride)];
                Array.Fill(few, 0xA5A5A5A5A5A5A5A5UL);
                Assert.Equal(fit, codec.UnpackKeys(node.Run, few));
                Assert.True(few.AsSpan(0, fit * stride).SequenceEqual(all.AsSpan(0, fit * stride)), $"{context}: {fit} keys into a small destination");
                Assert.All(few[(fit * stride)..], word => Assert.Equal(0xA5A5A5A5A5A5A5A5UL, word));

                foreach (var search in SchemaKeyGenerators.Searches(random, schema, node.Keys))
                {
                    var index = node.Keys.FindIndex(k => SchemaKeyGenerators.Compare(k, search, stride) >= 0);
                    var at = index < 0 ? node.Run.Length : node.Offsets[index];
                    Assert.True(at == codec.FindFirstAtOrAfter(node.Run, search), $"{context}: search [{string.Join(' ', search.Select(w => w.ToString("x")))}] expected byte {at}");
                    Assert.Equal(generic.FindFirstAtOrAfter(node.Run, search), codec.FindFirstAtOrAfter(node.Run, search));
                }
            }
        }
        // The trials reached what they are for: byte-aligned formats, formats wider than positions', runs mixing packed and unpacked keys, long runs.
        Assert.True(aligned >= 30 && wide >= 30 && mixed >= 100 && longRuns >= 10, $"aligned {aligned}, wide {wide}, mixed {mixed}, long runs {longRuns}");
    }

    [Fact]
    public void WideKeysAreComparedWordByWordBeyondTheUnrolledWords()
    {
        // Random bytes of up to 1,024 bytes vary in every word: a format of about 130 words, searched with the looping compare.
        var schema = KeySchema.ByteString(KeyComponent.MaxVariableBytes);
        var random = new Random(7);
        for (var trial = 0; trial < 6; trial++)
        {
            var prefix = new byte[random.Next(0, 1024)];
            random.NextBytes(prefix);
            var keys = Enumerable.Range(0, 40).Select(_ =>
            {
                var length = random.Next(0, 1025);
                var bytes = new byte[length];
                random.NextBytes(bytes);
                prefix.AsSpan(0, Math.Min(length, random.Next(0, prefix.Length + 1))).CopyTo(bytes);
                var fields = new ulong[schema.FieldCount];
                new KeyFieldWriter(schema, fields).Bytes(bytes);
                return fields;
            }).ToList();
            var node = NodeRun.Of(random, schema, keys);
            Assert.True(trial > 0 || node.Format.KeyU64s > CompareEmitter.DefaultUnrolledWords + 2, $"format [{node.Format}] is not wide");
            var compiled = CompiledKeyCodec.Compile(node.Format);
            var unrolled = CompiledKeyCodec.Compile(node.Format, unrolledWords: int.MaxValue);
            var generic = new GenericKeyCodec(node.Format);
            foreach (var search in SchemaKeyGenerators.Searches(random, schema, node.Keys))
            {
                var expected = generic.FindFirstAtOrAfter(node.Run, search);
                Assert.Equal(expected, compiled.FindFirstAtOrAfter(node.Run, search));
                Assert.Equal(expected, unrolled.FindFirstAtOrAfter(node.Run, search));
            }
            foreach (var (left, _) in node.PackedKeys)
            {
                foreach (var (right, _) in node.PackedKeys.Take(8))
                {
                    Assert.Equal(generic.ComparePacked(left, right), compiled.ComparePacked(left, right));
                    Assert.Equal(generic.ComparePacked(left, right), unrolled.ComparePacked(left, right));
                }
            }
        }
    }

    [Fact]
    public void TheWidestFormatOf135WordsIsReadAndSearchedByEveryStrategy()
    {
        // 134 fields every one of which spans 64 bits across the node: packed keys as wide as unpacked ones.
        var schema = new KeySchema(new KeyComponent(KeyComponentKind.Bytes, 1024), new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.Guid), new KeyComponent(KeyComponentKind.DateTime));
        var random = new Random(135);
        var keys = Enumerable.Range(0, 48).Select(_ => Enumerable.Range(0, schema.FieldCount).Select(_ => (ulong)random.NextInt64() << 1 ^ (ulong)random.Next(2)).ToArray()).ToList();
        keys.Add(Enumerable.Repeat(ulong.MaxValue, schema.FieldCount).ToArray());
        keys.Add(new ulong[schema.FieldCount]);
        keys.Sort((a, b) => SchemaKeyGenerators.Compare(a, b, schema.KeyFieldCount));
        var node = NodeRun.Of(random, schema, keys);
        Assert.Equal(135, node.Format.KeyU64s);
        var generic = new GenericKeyCodec(node.Format);
        var expected = new ulong[keys.Count * schema.KeyFieldCount];
        Assert.Equal(keys.Count, generic.UnpackKeys(node.Run, expected));
        Assert.Equal(keys.SelectMany(k => k).ToArray(), expected);
        foreach (var codec in Codecs(node.Format))
        {
            var all = new ulong[expected.Length];
            Assert.Equal(keys.Count, codec.UnpackKeys(node.Run, all));
            Assert.Equal(expected, all);
            foreach (var search in SchemaKeyGenerators.Searches(random, schema, keys))
                Assert.Equal(generic.FindFirstAtOrAfter(node.Run, search), codec.FindFirstAtOrAfter(node.Run, search));
            foreach (var (left, _) in node.PackedKeys.Take(10))
            {
                foreach (var (right, _) in node.PackedKeys)
                    Assert.Equal(generic.ComparePacked(left, right), codec.ComparePacked(left, right));
            }
        }
    }

    [Fact]
    public void BadKeysAreRefusedByEveryStrategyAlike()
    {
        var random = new Random(99);
        for (var trial = 0; trial < 60; trial++)
        {
            var schema = trial % 6 == 5 ? KeySchema.Positions : SchemaKeyGenerators.Schema(random);
            NodeRun node;
            do node = NodeRun.Random(random, schema);
            while (node.PackedKeys.Count == 0);
            var format = node.Format;
            var good = node.PackedKeys[0].Key[..format.KeyBytes];
            good[0] = (byte)format.KeyU64s; // without its value
            var above = Enumerable.Repeat(ulong.MaxValue, schema.KeyFieldCount).ToArray();
            var walksPastGood = SchemaKeyGenerators.Compare(node.Keys[node.PackedKeys[0].Index], above, schema.KeyFieldCount) < 0; // else the find stops at it
            var unpackedBytes = schema.UnpackedFormat.KeyBytes;
            var tooLongU64s = Math.Min(255, format.KeyU64s + format.MaxValueU64s + 1); // a value longer than the schema allows
            var tooLong = new byte[tooLongU64s * 8]; // exactly as long as its header says, so that only the header is wrong
            good.CopyTo(tooLong, 0);
            tooLong[0] = (byte)tooLongU64s;
            byte[] shortUnpacked = [.. good];
            shortUnpacked[KeyHeader.FormatByteOffset] = Bkey.FormatCurrent; // unpacked, but shorter than an unpacked key
            List<byte[]> runs =
            [
                [.. good, .. new byte[] { 0, 0, 0, 0 }],                           // u64s 0 after a good key
                [.. good, .. good[..^1]],                                          // the last key runs past the end
                [(byte)(format.KeyU64s + 3), .. good[1..]],                        // value words missing
                [.. good, good[0], 2, .. good[2..]],                               // format 2
            ];
            if (format.KeyBytes < unpackedBytes) runs.Add([.. good, .. shortUnpacked, .. new byte[unpackedBytes]]);
            if (tooLong[0] > format.KeyU64s + format.MaxValueU64s) runs.Add([.. good, .. tooLong]);
            foreach (var codec in Codecs(format))
            {
                var context = $"trial {trial}, {codec.Strategy} ({codec.GetType().Name}), format [{format}]";
                for (var r = 0; r < runs.Count; r++)
                {
                    var run = runs[r];
                    Assert.True(Record.Exception(() => codec.UnpackKeys(run, new ulong[64 * schema.KeyFieldCount])) is InvalidPackedKeyException, $"{context}: run {r}, unpack");
                    // A find refuses the bad key when it reaches it; it stops before only at a good first key as great as the search.
                    var found = -1;
                    var error = Record.Exception(() => found = codec.FindFirstAtOrAfter(run, above));
                    Assert.True(error is InvalidPackedKeyException || (!walksPastGood && r != 2 && found == 0), $"{context}: run {r}, find gave {error?.GetType().Name ?? found.ToString()}");
                }
                Assert.Throws<InvalidPackedKeyException>(() => codec.UnpackKey(shortUnpacked, new ulong[schema.KeyFieldCount]));
                if (tooLong[0] > format.KeyU64s + format.MaxValueU64s)
                    Assert.Throws<InvalidPackedKeyException>(() => codec.UnpackKey(tooLong, new ulong[schema.KeyFieldCount]));
                var tooFew = Assert.Throws<ArgumentException>(() => codec.UnpackKey(good, new ulong[schema.KeyFieldCount - 1]));
                Assert.Contains($"{schema.KeyFieldCount} key fields", tooFew.Message);
                Assert.Throws<ArgumentException>(() => codec.FindFirstAtOrAfter(good, new ulong[schema.KeyFieldCount - 1]));
                Assert.True(codec.UnpackKeys(good, []) == 0, context);
            }
        }
    }

    [Fact]
    public void VerificationCatchesACodecThatDisagreesWithTheGenericPath()
    {
        var schema = new KeySchema(new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.String, 20));
        var node = NodeRun.Random(new Random(5), schema);
        while (node.PackedKeys.Count == 0) node = NodeRun.Random(new Random(node.Run.Length), schema);
        var verifying = new VerifyingKeyCodec(new WrongKeyCodec(node.Format));
        var packed = node.PackedKeys[0].Key;
        var unpack = Assert.Throws<CodecMismatchException>(() => verifying.UnpackKey(packed, new ulong[schema.KeyFieldCount]));
        Assert.Contains("UnpackKey", unpack.Message);
        Assert.Contains(node.Keys[node.PackedKeys[0].Index][0].ToString("x"), unpack.Message);
        var run = Assert.Throws<CodecMismatchException>(() => verifying.UnpackKeys(node.Run, new ulong[node.Keys.Count * schema.KeyFieldCount]));
        Assert.Contains("UnpackKeys", run.Message);
        var find = Assert.Throws<CodecMismatchException>(() => verifying.FindFirstAtOrAfter(node.Run, node.Keys[0][..schema.KeyFieldCount]));
        Assert.Contains("FindFirstAtOrAfter", find.Message);
        Assert.Contains("byte 0", find.Message);
    }

    [Fact]
    public void PositionMembersOfAFormatOfAnotherSchemaRefuse()
    {
        var schema = new KeySchema(new KeyComponent(KeyComponentKind.Int64), new KeyComponent(KeyComponentKind.DateTime), new KeyComponent(KeyComponentKind.Int32));
        var node = NodeRun.Random(new Random(3), schema);
        var compiled = CompiledKeyCodec.Compile(node.Format);
        var error = Assert.Throws<InvalidOperationException>(() => compiled.UnpackPositions(node.Run, new Bpos[8]));
        Assert.Contains("not bcachefs positions", error.Message);
    }

    /// <summary>A codec that is wrong on purpose: the last key field off by one, and every find one key late.</summary>
    private sealed class WrongKeyCodec(BkeyFormat format) : KeyCodec(format)
    {
        public override UnpackStrategy Strategy => UnpackStrategy.Compiled;

        public override void Unpack(ReadOnlySpan<byte> packed, out Bkey key) => Format.Unpack(packed, out key);

        public override Bpos UnpackPosition(ReadOnlySpan<byte> packed) => Format.UnpackPosition(packed);

        public override void UnpackKey(ReadOnlySpan<byte> packed, Span<ulong> key)
        {
            base.UnpackKey(packed, key);
            key[Format.Schema.KeyFieldCount - 1]++;
        }

        public override int FindFirstAtOrAfter(ReadOnlySpan<byte> run, ReadOnlySpan<ulong> search)
        {
            var at = base.FindFirstAtOrAfter(run, search);
            return at < run.Length ? at + run[at] * 8 : at;
        }
    }
}
