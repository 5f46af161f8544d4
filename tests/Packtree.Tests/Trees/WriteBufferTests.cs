using CsCheck;
using Packtree.Keys;
using Packtree.Trees;

namespace Packtree.Tests.Trees;

/// <summary>The write buffer against a sorted dictionary: adds (puts and deletions, newest winning), lookups, seeks both ways, walks both ways, clears.</summary>
public sealed class WriteBufferTests
{
    private sealed record Op(int Kind, ulong A, ulong B, int ValueLength);

    // Two-word keys from a small space, so that adds replace and seeks land on and between keys.
    private static readonly Gen<Op> AnyOp = Gen.Select(Gen.Frequency((12, Gen.Const(0)), (3, Gen.Const(1)), (3, Gen.Const(2)), (3, Gen.Const(3)), (1, Gen.Const(4))),
        Gen.ULong[0, 6], Gen.ULong[0, 40], Gen.Int[-1, 20], (kind, a, b, length) => new Op(kind, a, b, length));

    [Fact]
    public void TheBufferBehavesLikeASortedMap()
    {
        AnyOp.Array[0, 400].Sample(ops =>
        {
            var buffer = new WriteBuffer();
            var model = new SortedDictionary<(ulong, ulong), byte[]?>();
            ulong seq = 0;
            foreach (var op in ops)
            {
                ulong[] key = [op.A, op.B];
                switch (op.Kind)
                {
                    case 0: // add: a put, or (length -1) a deletion
                        var value = op.ValueLength < 0 ? null : Enumerable.Range(0, op.ValueLength).Select(i => (byte)(seq + (ulong)i)).ToArray();
                        buffer.Add(++seq, key, value ?? [], delete: value is null);
                        model[(op.A, op.B)] = value;
                        break;
                    case 1:
                        var found = buffer.Find(key);
                        Assert.Equal(model.TryGetValue((op.A, op.B), out var expected), found is not null);
                        if (found is not null) Assert.Equal(expected, found.Value);
                        break;
                    case 2:
                        var after = buffer.AtOrAfter(key);
                        var expectedAfter = model.Keys.Where(k => k.CompareTo((op.A, op.B)) >= 0).Cast<(ulong, ulong)?>().FirstOrDefault();
                        Assert.Equal(expectedAfter, after is null ? null : (after.Key[0], after.Key[1]));
                        break;
                    case 3:
                        var before = buffer.AtOrBefore(key);
                        var expectedBefore = model.Keys.Where(k => k.CompareTo((op.A, op.B)) <= 0).Cast<(ulong, ulong)?>().LastOrDefault();
                        Assert.Equal(expectedBefore, before is null ? null : (before.Key[0], before.Key[1]));
                        break;
                    default:
                        buffer.Clear();
                        model.Clear();
                        break;
                }
                Assert.Equal(model.Count, buffer.Count);
            }
            // Walks both ways give every key once, in order, with its newest update.
            var forward = new List<((ulong, ulong), byte[]?)>();
            for (var entry = buffer.First; entry is not null; entry = entry.Next[0]) forward.Add(((entry.Key[0], entry.Key[1]), entry.Value));
            Assert.Equal(model.Select(p => (p.Key, p.Value)), forward);
            var backward = new List<(ulong, ulong)>();
            for (var entry = buffer.Last; entry is not null; entry = entry.Previous) backward.Add((entry.Key[0], entry.Key[1]));
            Assert.Equal(model.Keys.Reverse(), backward);
            Assert.Equal(model.Count == 0, buffer.Bytes == 0);
        }, iter: 2000);
    }

    [Fact]
    public void TheBufferCountsItsBytesAndAReplacementReplacesThem()
    {
        var buffer = new WriteBuffer();
        buffer.Add(1, [1, 2], new byte[100], delete: false);
        var one = buffer.Bytes;
        Assert.True(one >= 116, $"{one} bytes for a 16-byte key and a 100-byte value");
        buffer.Add(2, [1, 2], new byte[10], delete: false);
        Assert.Equal(one - 90, buffer.Bytes);
        buffer.Add(3, [1, 2], [], delete: true);
        Assert.Equal(one - 100, buffer.Bytes);
        Assert.Equal(3UL, buffer.Find([1, 2])!.Seq);
        Assert.True(buffer.Find([1, 2])!.IsDeletion);
        Assert.Equal(1, buffer.Count);
        var version = buffer.Version;
        buffer.Clear();
        Assert.True(buffer.Version > version);
        Assert.Equal((0, 0L), (buffer.Count, buffer.Bytes));
        Assert.Null(buffer.First);
        Assert.Null(buffer.Last);
    }
}
