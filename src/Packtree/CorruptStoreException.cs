namespace Packtree;

/// <summary>
/// A store file is damaged: its bytes break a rule of the format. The properties say which part
/// (<see cref="Part"/>), where in the file when that is known (<see cref="FileOffset"/>) and which rule
/// (<see cref="Rule"/>); the message names them too. A file that is not a Packtree store at all (no
/// superblock magic in either copy) is a plain <see cref="InvalidDataException"/>, not damage.
/// </summary>
/// <remarks>
/// <see cref="InvalidDataException"/> is sealed, so this family cannot derive from it: code that caught
/// <see cref="InvalidDataException"/> for a damaged superblock or journal catches this type instead (or both).
/// </remarks>
public class CorruptStoreException : Exception
{
    /// <summary>Creates the exception with a message built from the part, the offset and the rule.</summary>
    internal CorruptStoreException(StorePart part, long? fileOffset, string rule, Exception? innerException = null)
        : this(DefaultMessage(part, fileOffset, rule), part, fileOffset, rule, innerException)
    {
    }

    /// <summary>Creates the exception with a message of the caller's, which should name the part, the offset and the rule.</summary>
    internal CorruptStoreException(string message, StorePart part, long? fileOffset, string rule, Exception? innerException = null)
        : base(message, innerException)
    {
        Part = part;
        FileOffset = fileOffset;
        Rule = rule;
    }

    /// <summary>Which part of the file is damaged.</summary>
    public StorePart Part { get; }

    /// <summary>Byte offset in the store file where the damage was found; null when it is not known (a store on a device other than a file, or damage that no one place shows).</summary>
    public long? FileOffset { get; }

    /// <summary>The rule that was broken.</summary>
    public string Rule { get; }

    /// <summary>
    /// An error of <paramref name="message"/> about damage that <paramref name="inner"/> reported: its part,
    /// offset and rule when it is a <see cref="CorruptStoreException"/>, else the superblock's with its message as the rule.
    /// </summary>
    internal static CorruptStoreException Wrapping(string message, Exception inner) => inner is CorruptStoreException damage
        ? new(message, damage.Part, damage.FileOffset, damage.Rule, inner)
        : new(message, StorePart.Superblock, null, inner.Message, inner);

    private static string DefaultMessage(StorePart part, long? fileOffset, string rule) =>
        fileOffset is { } offset
            ? $"The store's {Name(part)} is damaged at byte {offset} of the store file: {rule}"
            : $"The store's {Name(part)} is damaged: {rule}";

    private static string Name(StorePart part) => part switch
    {
        StorePart.Superblock => "superblock",
        StorePart.Journal => "journal",
        StorePart.Node => "btree node",
        StorePart.Tree => "tree",
        StorePart.Data => "value data",
        _ => part.ToString(),
    };
}
