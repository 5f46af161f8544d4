using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>The portable baseline: the key layer's table-driven reader, valid for every format, no set-up cost.</summary>
internal sealed class GenericKeyCodec(BkeyFormat format) : KeyCodec(format)
{
    /// <inheritdoc/>
    public override UnpackStrategy Strategy => UnpackStrategy.Generic;

    /// <inheritdoc/>
    public override void Unpack(ReadOnlySpan<byte> packed, out Bkey key) => Format.Unpack(packed, out key);

    /// <inheritdoc/>
    public override Bpos UnpackPosition(ReadOnlySpan<byte> packed) => Format.UnpackPosition(packed);
}
