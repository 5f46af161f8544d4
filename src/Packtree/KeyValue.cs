using Packtree.Keys;

namespace Packtree;

/// <summary>A key and its value as a scan yields them; the value is valid until the scan moves on.</summary>
public readonly ref struct KeyValue
{
    internal KeyValue(Bpos key, ReadOnlySpan<byte> value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The key's position.</summary>
    public Bpos Key { get; }

    /// <summary>The value's bytes.</summary>
    public ReadOnlySpan<byte> Value { get; }

    /// <summary>Deconstructs into key and value.</summary>
    public void Deconstruct(out Bpos key, out ReadOnlySpan<byte> value)
    {
        key = Key;
        value = Value;
    }
}
