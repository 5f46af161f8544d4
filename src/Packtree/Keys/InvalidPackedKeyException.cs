namespace Packtree.Keys;

/// <summary>A packed key's header is inconsistent with its format, so its bytes cannot be trusted.</summary>
internal sealed class InvalidPackedKeyException : FormatException
{
    /// <summary>Creates the exception with a message that names the key's header values and the format's.</summary>
    public InvalidPackedKeyException(string message)
        : base(message)
    {
    }
}
