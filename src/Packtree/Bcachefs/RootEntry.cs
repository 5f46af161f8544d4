using Packtree.Keys;

namespace Packtree.Bcachefs;

/// <summary>
/// A <c>btree_root</c> record (btree-facts §6.3) from the clean field or a jset: the btree, the root's level and
/// its pointer (null when the record says the root is missing), with the key's bytes for comparing sources.
/// </summary>
internal sealed record RootEntry(int BtreeId, int Level, BtreePointer? Pointer, byte[] KeyBytes, long ByteOffset)
{
    /// <summary>
    /// Parses a root record's payload (one unpacked <c>bkey_i</c>); null with the reason when it is malformed.
    /// <paramref name="byteOffset"/> is where the payload lies in the image.
    /// </summary>
    public static RootEntry? TryParse(JsetEntry entry, long byteOffset, out string? problem)
    {
        problem = null;
        if (entry.BtreeId >= BcachefsNames.Btrees.Length) { problem = $"a root for btree {entry.BtreeId}, which 1.36 does not have"; return null; }
        if (entry.Level > 3) { problem = $"a root at level {entry.Level}; btrees have at most 4 levels"; return null; }
        var payload = entry.Payload.Span;
        if (payload.Length == 0) return new RootEntry(entry.BtreeId, entry.Level, null, [], byteOffset);
        if (payload.Length < Bkey.ByteCount) { problem = $"a root key of {payload.Length} bytes, below a key header's {Bkey.ByteCount}"; return null; }
        var key = Bkey.Read(payload);
        if (key.Format != Bkey.FormatCurrent) { problem = $"the root key has format {key.Format}; journal keys are unpacked (1)"; return null; }
        if (key.U64s * 8 != payload.Length) { problem = $"the root key has u64s {key.U64s}, its record {payload.Length / 8}"; return null; }
        if (key.Position != Bpos.Max) { problem = $"the root key is at {key.Position}, not SPOS_MAX"; return null; }
        var pointer = BtreePointer.TryParse(key.Position, key.Type, payload[Bkey.ByteCount..], out problem);
        if (pointer is null) return null;
        if (pointer.IsV2 && pointer.MinKey != Bpos.Min) { problem = $"the root pointer's min_key is {pointer.MinKey}, not POS_MIN"; return null; }
        return new RootEntry(entry.BtreeId, entry.Level, pointer with { SourceOffset = byteOffset }, payload.ToArray(), byteOffset);
    }

    /// <summary>Whether two records name the same root (the pointer's in-memory word aside).</summary>
    public bool SameRoot(RootEntry other)
    {
        if (Level != other.Level || KeyBytes.Length != other.KeyBytes.Length) return false;
        var a = KeyBytes.AsSpan();
        var b = other.KeyBytes.AsSpan();
        if (a.Length == 0) return true;
        var memPtr = Bkey.ByteCount; // btree_ptr_v2's mem_ptr: a cache hint, not part of the pointer
        var isV2 = Pointer?.IsV2 == true;
        return isV2 ? a[..memPtr].SequenceEqual(b[..memPtr]) && a[(memPtr + 8)..].SequenceEqual(b[(memPtr + 8)..]) : a.SequenceEqual(b);
    }
}
