namespace Packtree.Bcachefs;

/// <summary>
/// The line <c>bcachefs list</c> prints for a key: the key part (<see cref="BcachefsKey.ToString"/>), then,
/// if the value is not empty, <c>"  : "</c> and the value's text (which may hold newlines, each followed
/// by a two-space indent except a final one).
/// </summary>
internal static class BcachefsKeyText
{
    /// <summary>Key type numbers at 1.36 whose values have their own text.</summary>
    private const byte BtreePtr = 5, Extent = 6, Dirent = 10, Xattr = 11, InlineData = 17, BtreePtrV2 = 18, Subvolume = 21, Snapshot = 22,
        Lru = 26, AllocV4 = 27, Backpointer = 28, InodeV3 = 29, BucketGens = 30, SnapshotTree = 31, Accounting = 34, InodeAllocCursor = 35;

    /// <summary>The list line of <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">The value is malformed for its type; the message names the type, field and value byte.</exception>
    public static string Format(BcachefsKey key, IBcachefsTextContext context)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(context);
        var head = key.ToString();
        if (key.Value.IsEmpty)
            return head;
        var text = new BcachefsTextWriter().Write(head).Write("  : ");
        try
        {
            WriteValue(text, key, context);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{key.TypeName} value: {e.Message}", e);
        }
        return text.ToString();
    }

    private static void WriteValue(BcachefsTextWriter text, BcachefsKey key, IBcachefsTextContext context)
    {
        var value = key.Value.Span;
        switch (key.Type)
        {
            case Extent or BtreePtr:
                BcachefsExtentText.WriteEntries(text, value, context);
                break;
            case BtreePtrV2:
                BcachefsExtentText.WriteBtreePtrV2(text, value, context);
                break;
            case InodeV3:
                BcachefsFsText.WriteInode(text, value);
                break;
            case Dirent:
                BcachefsFsText.WriteDirent(text, value);
                break;
            case Xattr:
                BcachefsFsText.WriteXattr(text, value);
                break;
            case InlineData:
                BcachefsFsText.WriteInlineData(text, value);
                break;
            case Subvolume:
                BcachefsSnapshotText.WriteSubvolume(text, value);
                break;
            case Snapshot:
                BcachefsSnapshotText.WriteSnapshot(text, value);
                break;
            case SnapshotTree:
                BcachefsSnapshotText.WriteSnapshotTree(text, value);
                break;
            case InodeAllocCursor:
                BcachefsSnapshotText.WriteInodeAllocCursor(text, value);
                break;
            case AllocV4:
                BcachefsAllocText.WriteAllocV4(text, key.Position, value, context);
                break;
            case Backpointer:
                BcachefsAllocText.WriteBackpointer(text, key.Position, value, context);
                break;
            case BucketGens:
                BcachefsAllocText.WriteBucketGens(text, value);
                break;
            case Lru:
                BcachefsAllocText.WriteLru(text, value);
                break;
            case Accounting:
                BcachefsAccountingText.WriteAccounting(text, key.Position, value, context);
                break;
            default:
                // Types the reader does not interpret: the value's words in hex, so nothing is hidden.
                text.Write("value");
                for (var at = 0; at + 8 <= value.Length; at += 8)
                    text.Write(" ").Hex(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(value[at..]));
                break;
        }
    }
}
