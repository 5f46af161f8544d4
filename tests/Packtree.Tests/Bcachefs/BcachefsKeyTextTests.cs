using System.Buffers.Binary;
using Packtree.Bcachefs;
using Packtree.Keys;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// The list text of what the reference images do not hold, as the image facts describe it: pointers that are
/// cached, unwritten, stale, of durability 2 or on an unknown device; crc128 and stripe entries; repaired btree
/// pointers; casefold and subvolume dirents; flags of subvolumes, snapshots and inodes; the other accounting kinds.
/// </summary>
public sealed class BcachefsKeyTextTests
{
    private sealed class Context : IBcachefsTextContext
    {
        public int DurabilityOfDevice { get; init; } = 1;
        public string? DeviceName(int dev) => dev == 0 ? "sda" : null;
        public uint BucketSectors(int dev) => dev == 0 ? 256u : 0;
        public int Durability(int dev) => dev == 0 ? DurabilityOfDevice : 0;
        public byte? BucketGen(int dev, ulong bucket) => dev == 0 && bucket == 4 ? (byte)5 : null;
        public int ExtentBpShift => 16;
    }

    private static string Text(byte type, byte[] value, Bpos? position = null, IBcachefsTextContext? context = null)
    {
        var line = BcachefsKeyText.Format(new BcachefsKey(position ?? new Bpos(1, 2, 3), 0, 0, 0, type, value), context ?? new Context());
        return line[(line.IndexOf("  : ", StringComparison.Ordinal) + 4)..];
    }

    private static byte[] Words(params ulong[] words) => BcachefsValueEncoder.Words(words);

    private static ulong Ptr(ulong sector, byte dev, byte gen, bool cached = false, bool unwritten = false) =>
        BcachefsValueEncoder.Entry(new ExtentPointer(sector, dev, gen, cached, unwritten))[0];

    [Fact]
    public void Pointers_show_durability_stale_gens_cached_unwritten_and_unknown_devices()
    {
        Assert.Equal("durability: 2 \n  ptr:    sda 0:4:8 gen 3 d=2 stale=2\n  ptr: 7:1032 gen 1",
            Text(6, Words(Ptr(4 * 256 + 8, 0, 3), Ptr(1032, 7, 1)), context: new Context { DurabilityOfDevice = 2 }));
        Assert.Equal("durability: 0 \n  ptr:    sda 0:4:8 gen 5 cached unwritten", Text(6, Words(Ptr(4 * 256 + 8, 0, 5, cached: true, unwritten: true))));
        // A pointer newer than the bucket (gen 6 against 5) is not stale.
        Assert.Equal("durability: 1 \n  ptr:    sda 0:4:0 gen 6", Text(6, Words(Ptr(4 * 256, 0, 6))));
    }

    [Fact]
    public void Checksum_and_stripe_entries()
    {
        var crc128 = new ExtentChecksum(128, 16, 32, 2, 9, 7, 4, 0xabc, 0x1234);
        var stripe = new ExtentStripePointer(77, 2, 1);
        var value = BcachefsValueEncoder.Entries([crc128, stripe, new ExtentPointer(256, 0, 0, false, false)]);
        Assert.Equal("durability: 1 \n  crc128: c_size 16 size 32 offset 2 nonce 9 csum xxhash abc:1234  compress zstd\n  stripe_ptr: idx 77 block 2\n  ptr:    sda 0:1:0 gen 0",
            Text(6, value));
    }

    [Fact]
    public void A_repaired_btree_pointer_marks_its_min_key()
    {
        var value = new byte[48];
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(8), 0xfeed);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(16), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(18), 1);
        new Bpos(1, 2, 3).Write(value.AsSpan(20));
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(40), Ptr(512, 0, 0));
        Assert.Equal("\n  seq feed written 8 min_key R 1:2:3 durability: 1 \n  ptr:    sda 0:2:0 gen 0", Text(18, value));
        Assert.Equal("durability: 1 \n  ptr:    sda 0:2:0 gen 0", Text(5, Words(Ptr(512, 0, 0))));
    }

    [Fact]
    public void Dirents_casefold_and_subvolume()
    {
        Assert.Equal("Abc (casefold abc) -> 42 type reg", Text(10, BcachefsValueEncoder.CasefoldDirent(42, 8, "Abc"u8.ToArray(), "abc"u8.ToArray())));
        Assert.Equal("snap -> 3 -> 9 type subvol", Text(10, BcachefsValueEncoder.Dirent(9 | (3UL << 32), 16, "snap"u8.ToArray())));
        Assert.Equal("x -> 5 type (bad d_type)", Text(10, BcachefsValueEncoder.Dirent(5, 3, "x"u8.ToArray())));
    }

    [Fact]
    public void Xattr_values_print_up_to_their_first_nul()
    {
        Assert.Equal("trusted.k:ab", Text(11, BcachefsValueEncoder.Xattr(3, "k"u8.ToArray(), "ab\0cd"u8.ToArray())));
        Assert.Equal("security.selinux:", Text(11, BcachefsValueEncoder.Xattr(4, "selinux"u8.ToArray(), [])));
    }

    [Fact]
    public void Subvolume_and_snapshot_flags()
    {
        var subvolume = new byte[16];
        subvolume[0] = 7;
        subvolume[4] = 9;
        subvolume[8] = 0x10;
        Assert.Equal("root 16 snapshot id 9 ro snapshot unlinked", Text(21, subvolume));
        var snapshot = new byte[24];
        snapshot[0] = 15;
        snapshot[4] = 12;
        Assert.Equal("subvol will_delete deleted no_keys parent         12 children          0          0 subvol 0 tree 0 depth 0 skiplist 0 0 0", Text(22, snapshot));
    }

    [Fact]
    public void Inode_flags_by_name_and_mode_types()
    {
        var fields = new ulong[27];
        var flags = 1UL | (1UL << 7) | (1UL << 11) | (0xA1FFUL << 36) | (1UL << 20);
        var text = Text(29, BcachefsValueEncoder.Inode(0, 0x1f, flags, 0, 0, 0, fields, 0));
        Assert.StartsWith("\n  mode=120777 (lnk)\n  flags=sync,unlinked,31bit_dirent_offset(100881)\n  journal_seq=0\n  hash_seed=1f\n  hash_type=crc64\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n  bi_casefold=0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Alloc_without_the_later_fields_and_with_fragmentation()
    {
        var value = new byte[48];
        value[12] = 4;
        value[14] = 4; // user
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(16), 64);
        var text = Text(27, value, new Bpos(0, 4, 0));
        Assert.DoesNotContain("journal_seq_empty", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stripe_sectors", text, StringComparison.Ordinal);
        Assert.Contains("\n  fragmentation     536870912\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fragmentation", Text(27, value, new Bpos(3, 4, 0)), StringComparison.Ordinal);
    }

    [Fact]
    public void Backpointers_on_unknown_devices_and_phys()
    {
        var value = new byte[32];
        value[0] = 0;
        value[2] = 4;
        value[4] = 1;
        value[8] = 8;
        new Bpos(4096, 8, uint.MaxValue).Write(value.AsSpan(12));
        Assert.Equal("sector=5:1000 btree=extents level=0 data_type=user suboffset=3 len=8 gen=0 pos=4096:8:U32_MAX phys",
            Text(28, value, new Bpos(5, (1000UL << 16) | 3, 0)));
        Assert.Equal("bucket=0:3:232 btree=extents level=0 data_type=user suboffset=3 len=8 gen=0 pos=4096:8:U32_MAX phys",
            Text(28, value, new Bpos(0, (1000UL << 16) | 3, 0)));
    }

    private static Bpos AccountingPosition(params byte[] key)
    {
        var bytes = new byte[20];
        key.CopyTo(bytes, 0);
        Array.Reverse(bytes);
        return Bpos.Read(bytes);
    }

    [Fact]
    public void Accounting_kinds()
    {
        Assert.Equal("persistent_reserved replicas=2 5", Text(34, Words(5), AccountingPosition(1, 2)));
        Assert.Equal("compression lz4 1 2 3", Text(34, Words(1, 2, 3), AccountingPosition(4, 3)));
        Assert.Equal("snapshot id=4294967295 -1", Text(34, Words(ulong.MaxValue), AccountingPosition(5, 255, 255, 255, 255)));
        Assert.Equal("rebalance_work  7", Text(34, Words(7), AccountingPosition(7)));
        Assert.Equal("dev_leaving sda  1", Text(34, Words(1), AccountingPosition(10, 0)));
        Assert.Equal("dev_leaving 3  1", Text(34, Words(1), AccountingPosition(10, 3)));
        Assert.Equal("replicas user: 1/2 [0 3] 9", Text(34, Words(9), AccountingPosition(2, 4, 2, 1, 0, 3)));
        Assert.Equal("unknown type 11 4", Text(34, Words(4), AccountingPosition(11)));
    }

    [Fact]
    public void Unknown_types_print_their_words_and_empty_values_print_nothing()
    {
        Assert.Equal("value 1 ff", Text(40, Words(1, 255)));
        Assert.Equal("u64s 5 type set 0:2:0 len 0 ver 0", BcachefsKeyText.Format(new BcachefsKey(new Bpos(0, 2, 0), 0, 0, 0, 25, default), new Context()));
    }
}
