namespace Packtree.Keys;

/// <summary>The outcome of packing a search position lossily (bcachefs's <c>enum bkey_pack_pos_ret</c>).</summary>
internal enum PackPositionResult
{
    /// <summary>The packed position equals the input.</summary>
    Exact = 0,

    /// <summary>The packed position is the greatest representable position strictly below the input.</summary>
    Smaller = 1,

    /// <summary>No representable position is at or below the input; nothing was written.</summary>
    Fail = 2,
}
