using System.Numerics;
using CsCheck;
using Packtree.Keys;

namespace Packtree.Tests.Keys;

/// <summary>Properties of the key layer over random formats, keys and positions.</summary>
public sealed class KeyPropertyTests
{
    [Fact]
    public void PackThenUnpackIsIdentityForKeysThatFit()
    {
        KeyGenerators.FormatAndFittingKey.Sample((format, key) =>
        {
            var packed = new byte[format.KeyBytes];
            Assert.True(format.CanPack(key));
            Assert.True(format.TryPack(key, packed), $"{key} in [{format}]");
            Assert.Equal(key, format.Unpack(packed));
            Assert.Equal(key.Position, format.UnpackPosition(packed));
        }, iter: 3000);
    }

    [Fact]
    public void AKeyThatDoesNotFitFailsToPackAndWritesNothing()
    {
        Gen.Select(KeyGenerators.Format, KeyGenerators.AnyKey).Sample((format, key) =>
        {
            var fits = true;
            for (var i = 0; i < BkeyFields.Count; i++)
            {
                var value = key.GetField((BkeyField)i);
                var field = format.Fields[i];
                fits &= value >= field.Offset && value - field.Offset <= field.Mask;
            }
            var packed = Enumerable.Repeat((byte)0xA5, format.KeyBytes).ToArray();
            Assert.Equal(fits, format.TryPack(key, packed));
            Assert.Equal(fits, format.CanPack(key));
            if (!fits) Assert.All(packed, b => Assert.Equal(0xA5, b));
        }, iter: 3000);
    }

    [Fact]
    public void EveryKeyFedToTheBuilderFitsTheFormatItBuilds()
    {
        Gen.Select(KeyGenerators.AnyKey.Array[1, 20], Gen.Bool).Sample((keys, round) =>
        {
            var builder = new BkeyFormatBuilder();
            foreach (var key in keys) builder.AddKey(key);
            var format = builder.Build(round);
            Assert.Equal(BkeyFormat.RequiredKeyU64s(format.TotalFieldBits), format.KeyU64s);
            Assert.All(keys, key => Assert.True(format.CanPack(key), $"{key} does not fit [{format}]"));
            Assert.Equal(format, BkeyFormat.Read(format.ToBytes()));
        }, iter: 1000);
    }

    [Fact]
    public void LossyPackingGivesTheGreatestRepresentablePositionNotAbove()
    {
        KeyGenerators.Format.SelectMany(f => KeyGenerators.PositionNear(f).Select(p => (f, p))).Sample((format, position) =>
        {
            var exact = new byte[format.KeyBytes];
            var lossy = new byte[format.KeyBytes];
            var exactOk = format.TryPackPosition(position, exact);
            var result = format.PackPositionLossy(position, lossy);
            Assert.Equal(exactOk, result == PackPositionResult.Exact);
            switch (result)
            {
                case PackPositionResult.Exact:
                    Assert.Equal(exact, lossy);
                    Assert.Equal(position, format.UnpackPosition(lossy));
                    break;
                case PackPositionResult.Smaller:
                    Assert.True(format.UnpackPosition(lossy) < position);
                    // Nothing representable lies strictly between: the next representable one is above.
                    var next = lossy.ToArray();
                    if (format.TryPackedSuccessor(next)) Assert.True(format.UnpackPosition(next) > position, $"{position} in [{format}]");
                    break;
                default:
                    var smallest = new Bpos(format.Offset(BkeyField.Inode), format.Offset(BkeyField.Offset), (uint)format.Offset(BkeyField.Snapshot));
                    Assert.True(smallest > position, $"{position} in [{format}]");
                    break;
            }
        }, iter: 5000);
    }

    [Fact]
    public void PackedCompareAgreesWithPositionCompare()
    {
        KeyGenerators.FormatAndFittingKey.SelectMany(a => KeyGenerators.FormatAndFittingKey.Select(b => (a.Format, a.Key, b.Key)))
            .Sample((format, a, bRaw) =>
            {
                var raw = new ulong[BkeyFields.Count];
                for (var i = 0; i < raw.Length; i++) raw[i] = bRaw.GetField((BkeyField)i);
                var b = KeyGenerators.MakeKey(KeyGenerators.FitFields(format, raw), 0, 0, false);
                var pa = new byte[format.KeyBytes];
                var pb = new byte[format.KeyBytes];
                Assert.True(format.TryPack(a, pa));
                Assert.True(format.TryPack(b, pb));
                Assert.Equal(Math.Sign(a.Position.CompareTo(b.Position)), format.ComparePacked(pa, pb));
                Assert.Equal(Math.Sign(a.Position.CompareTo(b.Position)), format.ComparePackedToPosition(pa, b.Position));
                Assert.Equal(0, format.ComparePacked(pa, pa));
            }, iter: 3000);
    }

    [Fact]
    public void TransformThenUnpackEqualsUnpack()
    {
        Gen.Select(KeyGenerators.FormatAndFittingKey, KeyGenerators.Format, Gen.Bool).Sample((source, target, fromUnpacked) =>
        {
            var (format, key) = source;
            var input = new byte[key.U64s * 8];
            if (fromUnpacked)
            {
                format = BkeyFormat.Current;
                key.Write(input);
            }
            else
            {
                Assert.True(format.TryPack(key, input));
                input = input[..(format.KeyBytes + key.ValueU64s * 8)];
            }
            new Random(key.GetHashCode()).NextBytes(input.AsSpan(format.KeyBytes));
            var output = new byte[(target.KeyU64s + key.ValueU64s) * 8];
            var ok = target.TryTransform(format, input, output, out var written);
            Assert.Equal(target.CanPack(key), ok);
            if (!ok) return;
            Assert.Equal(output.Length, written);
            Assert.Equal(key, target.Unpack(output));
            Assert.Equal(input[format.KeyBytes..], output[target.KeyBytes..]);
        }, iter: 3000);
    }

    [Fact]
    public void BitUtilitiesAgreeWithTheKeyBitInteger()
    {
        KeyGenerators.FormatAndFittingKey.SelectMany(a => KeyGenerators.FormatAndFittingKey.Select(b => (a.Format, a.Key, b.Key)))
            .Sample((format, a, b) =>
            {
                var pa = new byte[format.KeyBytes];
                Assert.True(format.TryPack(a, pa));
                var pb = new byte[format.KeyBytes];
                var fitted = KeyGenerators.MakeKey(KeyGenerators.FitFields(format, [b.Position.Inode, b.Position.Offset, b.Position.Snapshot, b.Size, b.Version.Hi, b.Version.Lo]), 0, 0, false);
                Assert.True(format.TryPack(fitted, pb));
                var ka = KeyInteger(format, pa);
                var kb = KeyInteger(format, pb);
                var diff = ka ^ kb;
                Assert.Equal(diff.IsZero ? 0 : (int)diff.GetBitLength() - 1, format.GreatestDifferingBit(pa, pb));
                Assert.Equal(ka.IsZero ? 0 : (int)BigInteger.TrailingZeroCount(ka), format.FirstSetBit(pa));

                var successor = pa.ToArray();
                var ok = format.TryPackedSuccessor(successor);
                var all = (BigInteger.One << format.KeyBits) - 1;
                Assert.Equal(format.KeyBits > 0 && ka != all, ok);
                if (!ok) return;
                Assert.Equal(ka + 1, KeyInteger(format, successor));
                // Every bit below the key bits is unchanged.
                var whole = new BigInteger(pa, isUnsigned: true);
                var lowMask = (BigInteger.One << (format.KeyU64s * 64 - format.KeyBits)) - 1;
                Assert.Equal(whole & lowMask, new BigInteger(successor, isUnsigned: true) & lowMask);
            }, iter: 3000);
    }

    [Fact]
    public void ByteAlignedConstantsReadTheSameFieldsAsUnpack()
    {
        KeyGenerators.FormatAndFittingKey.Sample((format, key) =>
        {
            var aligned = true;
            foreach (var field in format.Fields) aligned &= field.Width == 0 || field.HighBit % 8 == 7;
            Assert.Equal(aligned, format.IsByteAligned);
            if (!aligned) return;
            const int slack = 8;
            var buffer = new byte[slack + format.KeyBytes];
            Assert.True(format.TryPack(key, buffer.AsSpan(slack)));
            for (var i = 0; i < BkeyFields.Count; i++)
            {
                var c = format.ByteAlignedFields[i];
                var value = c.Shift == 64 ? 0 : BitConverter.ToUInt64(buffer, slack + c.ByteOffset) >> c.Shift;
                Assert.Equal(key.GetField((BkeyField)i), value + format.Fields[i].Offset);
            }
        }, iter: 3000);
    }

    [Fact]
    public void ImagesRoundTrip()
    {
        KeyGenerators.FormatAndFittingKey.Sample((format, key) =>
        {
            Assert.Equal(format, BkeyFormat.Read(format.ToBytes()));
            var bytes = new byte[Bkey.ByteCount];
            key.Write(bytes);
            Assert.Equal(key, Bkey.Read(bytes));
            var position = new byte[Bpos.ByteCount];
            key.Position.Write(position);
            Assert.Equal(key.Position, Bpos.Read(position));
        }, iter: 1000);
    }

    /// <summary>The top KeyBits bits of the packed key as an unsigned integer.</summary>
    private static BigInteger KeyInteger(BkeyFormat format, byte[] packed) =>
        new BigInteger(packed.AsSpan(0, format.KeyBytes), isUnsigned: true) >> (format.KeyU64s * 64 - format.KeyBits);
}
