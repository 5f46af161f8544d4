namespace Packtree;

/// <summary>A value larger than a tree takes (2,000 bytes with the default node size: bcachefs's largest key value).</summary>
public sealed class ValueTooLargeException : ArgumentException
{
    /// <summary>Creates the exception for a value of <paramref name="actualBytes"/> where at most <paramref name="maxBytes"/> fit.</summary>
    public ValueTooLargeException(string treeName, int maxBytes, int actualBytes)
        : base($"Tree '{treeName}' takes values of at most {maxBytes} bytes; this one has {actualBytes}.", "value")
    {
        TreeName = treeName;
        MaxBytes = maxBytes;
        ActualBytes = actualBytes;
    }

    /// <summary>The tree the value was meant for.</summary>
    public string TreeName { get; }

    /// <summary>The limit.</summary>
    public int MaxBytes { get; }

    /// <summary>The value's size.</summary>
    public int ActualBytes { get; }
}
