namespace Packtree.Codegen;

/// <summary>In verification mode, a codec gave a different result from the generic path; the message shows both.</summary>
internal sealed class CodecMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception with a message naming the operation, the input and both results.</summary>
    public CodecMismatchException(string message)
        : base(message)
    {
    }
}
