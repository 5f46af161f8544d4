using CsCheck;
using Packtree.Bcachefs;
using Packtree.Keys;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// Value decoders against encoders written from the facts: varints, extent entry framing, inode_v3, dirent
/// and xattr values round-trip; malformed values give <see cref="InvalidDataException"/> naming the value byte.
/// </summary>
public sealed class BcachefsValuePropertyTests
{
    private static readonly Gen<ulong> AnyULong = Gen.Frequency(
        (4, Gen.ULong),
        (3, Gen.Int[0, 63].SelectMany(bits => Gen.ULong[0, bits == 63 ? ulong.MaxValue : (1UL << (bits + 1)) - 1])),
        (2, Gen.Int[1, 9].SelectMany(n => Gen.OneOf(Gen.Const(n == 9 ? ulong.MaxValue : (1UL << (7 * n)) - 1), Gen.Const(n == 9 ? 0UL : 1UL << (7 * n)))))
    );

    private static readonly Gen<BcachefsExtentEntry> Pointer =
        Gen.Select(Gen.ULong[0, (1UL << 44) - 1], Gen.Byte, Gen.Byte, Gen.Bool, Gen.Bool)
            .Select(BcachefsExtentEntry (o, d, g, c, u) => new ExtentPointer(o, d, g, c, u));

    private static readonly Gen<BcachefsExtentEntry> Crc32 =
        Gen.Select(Gen.UInt[1, 128], Gen.UInt[1, 128], Gen.UInt[0, 127], Gen.Byte[0, 15], Gen.Byte[0, 15], Gen.UInt)
            .Select(BcachefsExtentEntry (c, u, o, t, z, sum) => new ExtentChecksum(32, c, u, o, 0, t, z, 0, sum));

    private static readonly Gen<BcachefsExtentEntry> Crc64 =
        Gen.Select(Gen.Select(Gen.UInt[1, 512], Gen.UInt[1, 512], Gen.UInt[0, 511], Gen.UInt[0, 1023]), Gen.Byte[0, 15], Gen.Byte[0, 15], Gen.ULong[0, 0xFFFF], Gen.ULong)
            .Select(BcachefsExtentEntry (s, t, z, hi, lo) => new ExtentChecksum(64, s.Item1, s.Item2, s.Item3, s.Item4, t, z, hi, lo));

    private static readonly Gen<BcachefsExtentEntry> Crc128 =
        Gen.Select(Gen.Select(Gen.UInt[1, 8192], Gen.UInt[1, 8192], Gen.UInt[0, 8191], Gen.UInt[0, 8191]), Gen.Byte[0, 15], Gen.Byte[0, 15], Gen.ULong, Gen.ULong)
            .Select(BcachefsExtentEntry (s, t, z, hi, lo) => new ExtentChecksum(128, s.Item1, s.Item2, s.Item3, s.Item4, t, z, hi, lo));

    private static readonly Gen<BcachefsExtentEntry> Stripe =
        Gen.Select(Gen.ULong[0, (1UL << 47) - 1], Gen.UInt[0, 255], Gen.UInt[0, 15])
            .Select(BcachefsExtentEntry (i, b, r) => new ExtentStripePointer(i, b, r));

    private static readonly Gen<BcachefsExtentEntry> Other =
        Gen.Select(Gen.Int[5, 8], Gen.ULong)
            .Select(BcachefsExtentEntry (t, w) => new ExtentOtherEntry(t, [(1UL << t) | (t == 63 ? 0 : w << (t + 1))]));

    private static readonly Gen<BcachefsExtentEntry> AnyEntry = Gen.Frequency(
        (4, Pointer), (3, Crc32), (2, Crc64), (2, Crc128), (1, Stripe), (1, Other));

    private static string Describe(BcachefsExtentEntry e) =>
        e is ExtentOtherEntry o ? $"other {o.EntryType} {string.Join(",", o.Words)}" : e.ToString();

    [Fact]
    public void Varints_round_trip()
    {
        AnyULong.Sample(value =>
        {
            var encoded = BcachefsValueEncoder.Varint(value);
            var padded = encoded.Concat(new byte[] { 0xA5, 0x5A }).ToArray();
            var length = BcachefsVarint.Read(padded, 0, "x", out var decoded);
            Assert.Equal(value, decoded);
            Assert.Equal(encoded.Length, length);
        });
    }

    [Fact]
    public void A_varint_cut_short_throws_naming_its_byte()
    {
        Gen.Select(AnyULong, Gen.Int[0, 7]).Sample((value, at) =>
        {
            var encoded = BcachefsValueEncoder.Varint(value);
            if (encoded.Length < 2) return;
            var source = new byte[at].Concat(encoded[..^1]).ToArray();
            var e = Assert.Throws<InvalidDataException>(() => BcachefsVarint.Read(source, at, "bi_uid", out _));
            Assert.Contains($"value byte {at}", e.Message, StringComparison.Ordinal);
            Assert.Contains("bi_uid", e.Message, StringComparison.Ordinal);
        });
        Assert.Throws<InvalidDataException>(() => BcachefsVarint.Read([], 0, "x", out _));
    }

    [Fact]
    public void Extent_entries_round_trip()
    {
        AnyEntry.List[0, 12].Sample(entries =>
        {
            var decoded = BcachefsExtent.Entries(BcachefsValueEncoder.Entries(entries));
            Assert.Equal(entries.Select(Describe), decoded.Select(Describe));
        });
    }

    [Fact]
    public void An_entry_cut_short_throws_naming_its_byte()
    {
        Gen.Select(AnyEntry.List[0, 6], Gen.OneOf(Crc64, Crc128)).Sample((entries, cut) =>
        {
            var whole = BcachefsValueEncoder.Entries(entries);
            var bytes = whole.Concat(BcachefsValueEncoder.Words(BcachefsValueEncoder.Entry(cut)[..^1])).ToArray();
            var e = Assert.Throws<InvalidDataException>(() => BcachefsExtent.Entries(bytes));
            Assert.Contains($"value byte {whole.Length}", e.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void An_entry_of_unknown_type_or_a_zero_word_throws_naming_its_byte()
    {
        Gen.Select(AnyEntry.List[0, 6], Gen.Int[9, 64], Gen.ULong).Sample((entries, type, high) =>
        {
            var whole = BcachefsValueEncoder.Entries(entries);
            var word = type == 64 ? 0 : (1UL << type) | (type == 63 ? 0 : high << (type + 1));
            var bytes = whole.Concat(BcachefsValueEncoder.Words([word])).ToArray();
            var e = Assert.Throws<InvalidDataException>(() => BcachefsExtent.Entries(bytes));
            Assert.Contains($"value byte {whole.Length}", e.Message, StringComparison.Ordinal);
        });
        Assert.Throws<InvalidDataException>(() => BcachefsExtent.Entries(new byte[12]));
    }

    private static readonly Gen<ulong[]> InodeFields = AnyULong.Array[BcachefsInode.FieldNames.Length]
        .Select(values => values.Select((v, i) => BcachefsInode.FieldNames[i].Bits >= 64 ? v : v & ((1UL << BcachefsInode.FieldNames[i].Bits) - 1)).ToArray());

    [Fact]
    public void Inodes_round_trip()
    {
        Gen.Select(Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong), InodeFields, Gen.Int[0, BcachefsInode.FieldNames.Length])
            .Sample((fixedPart, fields, nrFields) =>
            {
                var (seq, seed, flags, sectors, size, version) = fixedPart;
                var value = BcachefsValueEncoder.Inode(seq, seed, flags, sectors, size, version, fields, nrFields);
                var inode = BcachefsInode.Read(value);
                Assert.Equal((seq, seed, sectors, size, version), (inode.JournalSeq, inode.HashSeed, inode.Sectors, inode.Size, inode.Version));
                Assert.Equal(nrFields, inode.NrFields);
                Assert.Equal((uint)(flags >> 36) & 0xFFFF, inode.Mode);
                Assert.Equal((int)(flags >> 20) & 15, inode.StrHashType);
                Assert.Equal(fields.Take(nrFields).Concat(new ulong[fields.Length - nrFields]), inode.FieldValues);
                var directory = (inode.Mode & 0xF000) == 0x4000;
                Assert.Equal((flags & 0x80) != 0 ? 0 : (int)Math.Min(int.MaxValue, fields[6] * (ulong)(nrFields > 6 ? 1 : 0) + (directory ? 2UL : 1UL)), inode.LinkCount);
            });
    }

    [Fact]
    public void An_inode_cut_anywhere_reads_the_same_or_throws_invalid_data()
    {
        Gen.Select(InodeFields, Gen.Int[1, BcachefsInode.FieldNames.Length], Gen.Int[0, 400]).Sample((fields, nrFields, cutAt) =>
        {
            var value = BcachefsValueEncoder.Inode(1, 2, 0x41ED_0000_0000_0000, 3, 4, 5, fields, nrFields);
            var cut = value[..Math.Min(cutAt, value.Length - 1)];
            try
            {
                Assert.Equal(BcachefsInode.Read(value).FieldValues, BcachefsInode.Read(cut).FieldValues);
            }
            catch (InvalidDataException e)
            {
                Assert.Matches(@"value byte \d+", e.Message);
            }
        });
    }

    [Fact]
    public void A_time_with_a_nonzero_high_half_is_refused()
    {
        var value = BcachefsValueEncoder.Inode(0, 0, 0, 0, 0, 0, new ulong[27], 1);
        // atime = 0 (1 byte at 48), then its high half at byte 49: make it 1 (varint 1 = 0x02).
        value[49] = 0x02;
        var e = Assert.Throws<InvalidDataException>(() => BcachefsInode.Read(value));
        Assert.Contains("bi_atime at value byte 49", e.Message, StringComparison.Ordinal);
        Assert.Contains("high half", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dirents_and_xattrs_round_trip()
    {
        var name = Gen.Byte[1, 255].Array[1, 255];
        Gen.Select(Gen.ULong, Gen.Byte[0, 31], name).Sample((target, type, bytes) =>
        {
            var dirent = BcachefsDirent.Read(BcachefsValueEncoder.Dirent(target, type, bytes));
            Assert.Equal((target, type, false), (dirent.Target, dirent.Type, dirent.Casefold));
            Assert.Equal(bytes, dirent.Name);
            if (type == BcachefsDirent.SubvolType)
                Assert.Equal(((uint)target, (uint)(target >> 32)), (dirent.ChildSubvol, dirent.ParentSubvol));
        });
        Gen.Select(Gen.ULong, Gen.Byte[0, 31], name, name).Sample((target, type, bytes, folded) =>
        {
            var dirent = BcachefsDirent.Read(BcachefsValueEncoder.CasefoldDirent(target, type, bytes, folded));
            Assert.True(dirent.Casefold);
            Assert.Equal(bytes, dirent.Name);
            Assert.Equal(folded, dirent.CasefoldName);
        });
        Gen.Select(Gen.Byte[0, 6], name, Gen.Byte.Array[0, 300]).Sample((type, bytes, data) =>
        {
            var xattr = BcachefsXattr.Read(BcachefsValueEncoder.Xattr(type, bytes, data));
            Assert.Equal(type, xattr.Type);
            Assert.Equal(bytes, xattr.Name);
            Assert.Equal(data, xattr.Value);
            Assert.StartsWith(xattr.Prefix, xattr.FullName, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Dirent_and_xattr_lengths_past_the_value_are_refused()
    {
        var dirent = BcachefsValueEncoder.CasefoldDirent(5, 8, "abc"u8.ToArray(), "abc"u8.ToArray());
        dirent[10] = 200;
        Assert.Contains("value byte 14", Assert.Throws<InvalidDataException>(() => BcachefsDirent.Read(dirent)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => BcachefsDirent.Read(new byte[8]));
        var xattr = BcachefsValueEncoder.Xattr(0, "name"u8.ToArray(), "value"u8.ToArray());
        xattr[2] = 100;
        Assert.Contains("value byte 8", Assert.Throws<InvalidDataException>(() => BcachefsXattr.Read(xattr)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ImageFolder.All), MemberType = typeof(ImageFolder))]
    public void Damaged_real_values_format_or_throw_invalid_data_never_anything_else(string image)
    {
        var keys = RawKeyDump.Read(image);
        var context = new TruthTextContext(image, keys.Where(k => k.Btree == "alloc" && k.Level == 0).Select(k => k.Key));
        var random = new Random(1060);
        int formatted = 0, refused = 0;
        foreach (var raw in keys)
        {
            var value = raw.Key.Value.ToArray();
            if (value.Length == 0) continue;
            for (var trial = 0; trial < 4; trial++)
            {
                var damaged = trial switch
                {
                    0 => value[..random.Next(value.Length)],
                    1 => value[..(random.Next(value.Length / 8 + 1) * 8)],
                    _ => Flip(value, random),
                };
                var key = new BcachefsKey(raw.Key.Position, raw.Key.Size, 0, raw.Key.VersionLo, raw.Key.Type, damaged);
                try
                {
                    Assert.NotNull(BcachefsKeyText.Format(key, context));
                    formatted++;
                }
                catch (InvalidDataException e)
                {
                    Assert.StartsWith(key.TypeName + " value: ", e.Message, StringComparison.Ordinal);
                    refused++;
                }
            }
        }
        Assert.True(refused > 1000 && formatted > 1000, $"formatted {formatted}, refused {refused}");
    }

    private static byte[] Flip(byte[] value, Random random)
    {
        var copy = (byte[])value.Clone();
        for (var i = random.Next(1, 4); i > 0; i--)
            copy[random.Next(copy.Length)] ^= (byte)random.Next(1, 256);
        return copy;
    }

    [Fact]
    public void Positions_print_as_bcachefs_prints_them()
    {
        Assert.Equal("0:4096:U32_MAX", new Bpos(0, 4096, uint.MaxValue).ToString());
        Assert.Equal("U64_MAX:U64_MAX:1", new Bpos(ulong.MaxValue, ulong.MaxValue, 1).ToString());
    }
}
