namespace Packtree;

/// <summary>A key longer than its tree takes (the tree's <see cref="KeyKind.MaxBytes"/>); nothing is written.</summary>
public sealed class KeyTooLongException : ArgumentException
{
    /// <summary>Creates the exception for a key of <paramref name="actualBytes"/> where at most <paramref name="maxBytes"/> fit.</summary>
    public KeyTooLongException(string treeName, int maxBytes, int actualBytes)
        : base($"Tree '{treeName}' takes keys of at most {maxBytes} bytes; this one has {actualBytes}.", "key")
    {
        TreeName = treeName;
        MaxBytes = maxBytes;
        ActualBytes = actualBytes;
    }

    /// <summary>The tree the key was meant for.</summary>
    public string TreeName { get; }

    /// <summary>The limit.</summary>
    public int MaxBytes { get; }

    /// <summary>The key's length.</summary>
    public int ActualBytes { get; }
}
