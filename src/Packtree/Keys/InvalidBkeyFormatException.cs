namespace Packtree.Keys;

/// <summary>A key format breaks one of bcachefs's validity rules; <see cref="Error"/> says which.</summary>
internal sealed class InvalidBkeyFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public InvalidBkeyFormatException(BkeyFormatError error)
        : base(error.ToString())
    {
        Error = error;
    }

    /// <summary>The rule, field and values that made the format invalid.</summary>
    public BkeyFormatError Error { get; }
}
