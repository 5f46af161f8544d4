using System.Buffers.Binary;
using Packtree.Bcachefs;
using Packtree.Nodes;
using Packtree.Tests.Storage;

namespace Packtree.Tests.Bcachefs;

/// <summary>
/// A copy of a real image, NAME.img in a temporary folder (deleted on dispose, with whatever a test extracted
/// into it), for tests that change its bytes.
/// </summary>
internal sealed class ImageCopy : IDisposable
{
    public ImageCopy(string name)
    {
        Path = Folder.File(name + ".img");
        File.Copy(ImageFolder.Image(name), Path);
    }

    /// <summary>The folder the copy lies in.</summary>
    public TempFolder Folder { get; } = new();

    public string Path { get; }

    public byte[] Read(long offset, int count)
    {
        var bytes = new byte[count];
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read);
        RandomAccess.Read(handle, bytes, offset);
        return bytes;
    }

    public void Write(long offset, ReadOnlySpan<byte> bytes)
    {
        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(handle, bytes, offset);
    }

    /// <summary>Changes the byte at <paramref name="offset"/> (XOR 0x5A).</summary>
    public void Flip(long offset) => Write(offset, [(byte)(Read(offset, 1)[0] ^ 0x5A)]);

    /// <summary>Changes the bytes at <paramref name="offset"/> and returns the old ones.</summary>
    public byte[] Patch(long offset, ReadOnlySpan<byte> bytes)
    {
        var old = Read(offset, bytes.Length);
        Write(offset, bytes);
        return old;
    }

    /// <summary>
    /// Changes the superblock copy at <paramref name="sector"/> with <paramref name="change"/> (given the copy's bytes,
    /// fixed part and fields) and signs it again with its own checksum type.
    /// </summary>
    public void ResignSuperblock(ulong sector, Action<byte[]> change)
    {
        var offset = (long)sector * 512;
        var u64s = BinaryPrimitives.ReadUInt32LittleEndian(Read(offset + 124, 4));
        var bytes = Read(offset, 752 + (int)u64s * 8);
        change(bytes);
        Reseal.Superblock(bytes);
        Write(offset, bytes);
    }

    /// <summary>Signs a write of a node again after its bytes were changed, with <paramref name="type"/> or its own checksum type.</summary>
    public void ResealBset(BcachefsNodeInfo node, BcachefsBsetInfo bset, ChecksumType? type = null)
    {
        var start = node.ByteOffset + bset.ByteOffset;
        var first = bset.ByteOffset == 0;
        var write = Read(start, (first ? NodeHeader.ByteCount : NodeCodec.EntryHeaderBytes) + bset.Header.U64s * 8);
        Reseal.Bset(write, first, type ?? bset.Header.ChecksumType);
        Write(start, write);
    }

    public void Dispose() => Folder.Dispose();
}
