namespace Packtree.Codegen;

/// <summary>How keys packed in a node's format are read.</summary>
public enum UnpackStrategy
{
    /// <summary>Chosen by measured evidence: the fastest strategy that pays for itself (see the README).</summary>
    Auto,

    /// <summary>The key layer's table-driven bit-stream reader: works for every format, no set-up cost.</summary>
    Generic,

    /// <summary>One 8-byte load and one shift per field when the format is byte-aligned; generic otherwise.</summary>
    ByteAligned,

    /// <summary>IL emitted for the exact format and compiled by the runtime; portable fallback where dynamic code is unsupported.</summary>
    Compiled,
}
