using System.Buffers.Binary;
using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// The list text of accounting keys. The key's position is the accounting key: its 20-byte memory image
/// reversed is a <c>disk_accounting_pos</c> whose byte 0 is the kind; the value is signed counters.
/// </summary>
internal static class BcachefsAccountingText
{
    /// <summary>Accounting kinds 0..10.</summary>
    public static readonly string[] Kinds =
    [
        "nr_inodes", "persistent_reserved", "replicas", "dev_data_type", "compression", "snapshot", "btree", "rebalance_work",
        "inum", "reconcile_work", "dev_leaving",
    ];

    /// <summary>The accounting key of a position: its memory image, byte-reversed.</summary>
    public static byte[] AccountingPos(Bpos position)
    {
        var bytes = new byte[Bpos.ByteCount];
        position.Write(bytes);
        Array.Reverse(bytes);
        return bytes;
    }

    /// <summary><c>name</c>, the kind's own text, then each counter as a signed decimal.</summary>
    public static void WriteAccounting(BcachefsTextWriter text, Bpos position, ReadOnlySpan<byte> value, IBcachefsTextContext context)
    {
        var key = AccountingPos(position);
        var kind = key[0];
        if (kind < Kinds.Length)
        {
            text.Write(Kinds[kind]).Write(" ");
            WriteKind(text, kind, key, context);
        }
        else
            text.Write("unknown type ").Write((ulong)kind);
        for (var at = 0; at + 8 <= value.Length; at += 8)
            text.Write(" ").Write(BinaryPrimitives.ReadInt64LittleEndian(value[at..]));
    }

    private static void WriteKind(BcachefsTextWriter text, int kind, byte[] key, IBcachefsTextContext context)
    {
        switch (kind)
        {
            case 1:
                text.Write("replicas=").Write((ulong)key[1]);
                break;
            case 2:
                var devs = key[2];
                if (4 + devs > key.Length)
                    throw new InvalidDataException($"accounting replicas entry: {devs} devices do not fit the 20-byte accounting key.");
                text.Write(BcachefsNames.DataType(key[1])).Write(": ").Write((ulong)key[3]).Write("/").Write((ulong)devs).Write(" [");
                for (var i = 0; i < devs; i++)
                {
                    if (i > 0) text.Write(" ");
                    text.Write((ulong)key[4 + i]);
                }
                text.Write("]");
                break;
            case 3:
                text.Write("dev=").Write((ulong)key[1]).Write(" data_type=").Write(BcachefsNames.DataType(key[2]));
                break;
            case 4:
                text.Write(BcachefsNames.CompressionType(key[1]));
                break;
            case 5:
                text.Write("id=").Write(BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(1)));
                break;
            case 6:
                text.Write("btree=").Write(BcachefsNames.Btree((int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(1)), int.MaxValue)));
                break;
            case 9:
                text.Write((ulong)key[1]);
                break;
            case 10:
                var dev = BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(1));
                var name = dev <= int.MaxValue ? context.DeviceName((int)dev) : null;
                if (name is null) text.Write(dev); else text.Write(name);
                text.Write(" ");
                break;
        }
    }
}
