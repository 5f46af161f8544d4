using Packtree.Keys;

namespace Packtree;

/// <summary>
/// What a tree's keys are, fixed when the tree is created: bcachefs positions (<see cref="Positions"/>, the default),
/// byte strings of up to a given length (<see cref="Bytes"/>), ordered as unsigned bytes with a proper prefix before
/// its extensions, or typed keys of one to five parts (<see cref="IsTyped"/>: a <see cref="KeyShape{TKey}"/>'s kind,
/// or one <see cref="Parse(string)"/> reads). Every kind is bit-packed per node: a prefix every key of a node shares
/// costs it no bits.
/// </summary>
public sealed partial class KeyKind : IEquatable<KeyKind>
{
    /// <summary>LMDB's default key limit, and the default for byte keys.</summary>
    public const int DefaultMaxBytes = KeySchema.DefaultByteStringBytes;

    /// <summary>The longest byte key a tree may be created for.</summary>
    public const int MaxBytesLimit = KeyComponent.MaxVariableBytes;

    private IReadOnlyList<KeyPartInfo>? _parts;

    private KeyKind(KeySchema schema) => Schema = schema;

    /// <summary>bcachefs positions (<see cref="Keys.Bpos"/>): inode, offset, snapshot.</summary>
    public static KeyKind Positions { get; } = new(KeySchema.Positions);

    /// <summary>Byte strings of 0 to <paramref name="maxLength"/> bytes (1 to <see cref="MaxBytesLimit"/>; 511 by default).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The length is outside 1 to <see cref="MaxBytesLimit"/>.</exception>
    public static KeyKind Bytes(int maxLength = DefaultMaxBytes)
    {
        if (maxLength is < 1 or > MaxBytesLimit)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"Byte keys are 1 to {MaxBytesLimit} bytes long at most.");
        return new KeyKind(KeySchema.ByteString(maxLength));
    }

    /// <summary>Whether keys are byte strings.</summary>
    public bool IsBytes => !Schema.IsPositions && Schema.Components is [{ Kind: KeyComponentKind.Bytes }];

    /// <summary>The longest key in bytes, for byte keys; 0 for the other kinds.</summary>
    public int MaxBytes => IsBytes ? Schema.Components[0].MaxBytes : 0;

    /// <summary>
    /// Whether keys are typed (made of <see cref="KeyParts"/>, as a <see cref="KeyShape{TKey}"/>'s): neither positions
    /// nor byte strings. A shape of one <see cref="KeyParts.Bytes(int)"/> part is of the byte-key kind.
    /// </summary>
    public bool IsTyped => !Schema.IsPositions && !IsBytes;

    /// <summary>
    /// The parts of a key, first to last: those of a typed kind, the one <see cref="KeyPartKind.Bytes"/> part of byte
    /// keys, none for positions. Keys of a typed kind go through <see cref="KeyShape.Of(KeyKind)"/> as arrays of their values.
    /// </summary>
    public IReadOnlyList<KeyPartInfo> Parts => _parts ??= Array.AsReadOnly(Schema.Components.Select(c => new KeyPartInfo(c)).ToArray());

    internal KeySchema Schema { get; }

    internal static KeyKind Of(KeySchema schema) => schema.IsPositions ? Positions : new KeyKind(schema);

    /// <inheritdoc/>
    public bool Equals(KeyKind? other) => other is not null && Schema.Equals(other.Schema);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as KeyKind);

    /// <inheritdoc/>
    public override int GetHashCode() => Schema.GetHashCode();

    /// <summary>
    /// <c>positions</c>; <c>bytes (at most 511)</c> for byte keys (which <see cref="Parse(string)"/> reads as
    /// <c>bytes:511</c>); a typed kind as <see cref="Parse(string)"/> reads it, its parts separated by commas:
    /// <c>int64,datetime,string:32</c>.
    /// </summary>
    public override string ToString() => Schema.IsPositions ? "positions" : IsBytes ? $"bytes (at most {MaxBytes})" : string.Join(",", Parts);
}
