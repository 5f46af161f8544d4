using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Packtree.Bench.Values;

/// <summary>
/// A checksum of bytes taken in pieces of any size (the same whatever the pieces), eight bytes at a step: cheap
/// enough to verify a value of a gigabyte as it is read back without slowing the read much.
/// </summary>
public sealed class StreamChecksum
{
    private readonly byte[] _pending = new byte[8];
    private int _pendingCount;
    private ulong _hash = 0x243F6A8885A308D3UL;

    /// <summary>Bytes taken so far.</summary>
    public long Length { get; private set; }

    public void Add(ReadOnlySpan<byte> data)
    {
        Length += data.Length;
        if (_pendingCount > 0)
        {
            var take = Math.Min(8 - _pendingCount, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            data = data[take..];
            if (_pendingCount < 8) return;
            Mix(BinaryPrimitives.ReadUInt64LittleEndian(_pending));
            _pendingCount = 0;
        }
        var whole = data.Length & ~7;
        foreach (var word in MemoryMarshal.Cast<byte, ulong>(data[..whole])) Mix(word);
        data[whole..].CopyTo(_pending);
        _pendingCount = data.Length - whole;
    }

    /// <summary>The checksum of everything taken.</summary>
    public ulong Value
    {
        get
        {
            var hash = _hash;
            for (var i = 0; i < _pendingCount; i++) hash = BitOperations.RotateLeft(hash ^ _pending[i], 29) * 0x9E3779B97F4A7C15UL;
            return hash ^ (ulong)Length;
        }
    }

    private void Mix(ulong word) => _hash = BitOperations.RotateLeft(_hash ^ word, 29) * 0x9E3779B97F4A7C15UL;
}
