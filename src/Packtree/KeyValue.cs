using Packtree.Keys;

namespace Packtree;

/// <summary>A key and its value as a scan yields them; key bytes and value are valid until the scan moves on.</summary>
public readonly ref struct KeyValue
{
    private readonly Bpos _key;
    private readonly ReadOnlySpan<byte> _keyBytes;
    private readonly bool _bytes;

    internal KeyValue(Bpos key, ReadOnlySpan<byte> keyBytes, ReadOnlySpan<byte> value, bool bytes)
    {
        _key = key;
        _keyBytes = keyBytes;
        _bytes = bytes;
        Value = value;
    }

    /// <summary>The key's position, in a tree of positions.</summary>
    /// <exception cref="InvalidOperationException">The tree's keys are byte strings: read <see cref="KeyBytes"/>.</exception>
    public Bpos Key => _bytes ? throw new InvalidOperationException("The scan's keys are byte strings: read KeyBytes.") : _key;

    /// <summary>The key's bytes, in a tree of byte keys.</summary>
    /// <exception cref="InvalidOperationException">The tree's keys are positions: read <see cref="Key"/>.</exception>
    public ReadOnlySpan<byte> KeyBytes => _bytes ? _keyBytes : throw new InvalidOperationException("The scan's keys are positions: read Key.");

    /// <summary>The value's bytes.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Deconstructs into the position and value (a tree of positions).</summary>
    public void Deconstruct(out Bpos key, out ReadOnlySpan<byte> value)
    {
        key = Key;
        value = Value;
    }
}
