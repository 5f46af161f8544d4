namespace Packtree.Bcachefs;

/// <summary>One journal write (<c>struct jset</c>, btree-facts §7.3) found in a journal bucket, its checksum verified.</summary>
/// <param name="ByteOffset">Where it starts in the image.</param>
/// <param name="Seq">Its sequence number.</param>
/// <param name="LastSeq">The oldest seq still needed for replay when it was written.</param>
/// <param name="Flags">Bits 0..3 checksum type, 4 big-endian, 5 no-flush.</param>
/// <param name="Version">Metadata version.</param>
/// <param name="Entries">The entry area (<c>u64s * 8</c> bytes from byte 56).</param>
internal sealed record Jset(long ByteOffset, ulong Seq, ulong LastSeq, uint Flags, int Version, byte[] Entries)
{
    /// <summary>Size of the header.</summary>
    public const int HeaderBytes = 56;

    /// <summary>Whether the write did not flush the device (its last_seq means nothing).</summary>
    public bool NoFlush => (Flags & (1 << 5)) != 0;

    /// <summary>Byte offset in the image of the entry area.</summary>
    public long EntriesOffset => ByteOffset + HeaderBytes;
}
