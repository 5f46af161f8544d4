namespace Packtree.Bcachefs;

/// <summary>
/// A bcachefs image's superblock or journal breaks a rule of the on-disk format badly enough that the image
/// cannot be read. The message names the part, the byte offset in the image and the rule. (A damaged btree
/// node is a <see cref="CorruptNodeException"/>, which names the node.)
/// </summary>
public sealed class CorruptImageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CorruptImageException(string part, long byteOffset, string rule, Exception? inner = null)
        : base($"Corrupt bcachefs image: {part} at byte {byteOffset}: {rule}", inner)
    {
        Part = part;
        ByteOffset = byteOffset;
        Rule = rule;
    }

    /// <summary>Which part of the image: <c>superblock</c>, <c>layout</c>, <c>journal</c>, <c>clean</c>...</summary>
    public string Part { get; }

    /// <summary>Byte offset in the image where the violation was found.</summary>
    public long ByteOffset { get; }

    /// <summary>The rule that is broken.</summary>
    public string Rule { get; }
}
