namespace Packtree;

/// <summary>A value larger than a tree takes (<see cref="StoreOptions.MaxValueBytes"/>, 1 GiB by default).</summary>
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

    /// <summary>For a value whose size is known only as far as it was read (a stream): <paramref name="actualBytes"/> is what was read when it passed the limit.</summary>
    internal ValueTooLargeException(string treeName, int maxBytes, long actualBytes, bool readSoFar = false)
        : base(readSoFar
            ? $"Tree '{treeName}' takes values of at most {maxBytes} bytes; this one has more ({actualBytes} read when it passed the limit). Nothing was stored."
            : $"Tree '{treeName}' takes values of at most {maxBytes} bytes; this one has {actualBytes}.", "value")
    {
        TreeName = treeName;
        MaxBytes = maxBytes;
        ActualBytes = (int)Math.Min(actualBytes, int.MaxValue);
    }

    /// <summary>The tree the value was meant for.</summary>
    public string TreeName { get; }

    /// <summary>The limit.</summary>
    public int MaxBytes { get; }

    /// <summary>The value's size.</summary>
    public int ActualBytes { get; }
}
