namespace Packtree.Codegen;

/// <summary>How nodes get the code that reads their keys.</summary>
internal sealed record KeyCodecOptions
{
    /// <summary>
    /// Keys the nodes of a format read together on the portable path before <see cref="UnpackStrategy.Auto"/>
    /// compiles code for it: about the measured break-even of compiling (a compile costs roughly
    /// 0.7–0.9 ms, a key unpacked by a compiled kernel saves roughly 7 ns; see the README).
    /// </summary>
    public const long DefaultCompileThreshold = 100_000;

    /// <summary>Name of the environment variable that turns on verification for the whole process.</summary>
    public const string VerifyEnvironmentVariable = "PACKTREE_VERIFY_UNPACK";

    /// <summary>The strategy; <c>PACKTREE_UNPACK</c>, when set, overrides it for the whole process.</summary>
    public UnpackStrategy Strategy { get; init; } = UnpackStrategy.Auto;

    /// <summary>For <see cref="UnpackStrategy.Auto"/>: keys read before compiling pays; 0 compiles at once.</summary>
    public long CompileThreshold
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(CompileThreshold), value, "The compile threshold is a number of keys, 0 or more.");
    } = DefaultCompileThreshold;

    /// <summary>
    /// Cross-check every result against the generic path and throw on a mismatch, printing both
    /// (as bcachefs's debug builds do). Also on when <c>PACKTREE_VERIFY_UNPACK=1</c>. Slow: for tests and diagnosis.
    /// </summary>
    public bool Verify { get; init; }

    /// <summary>Where compiled code is shared between nodes; the process-wide cache by default.</summary>
    public CompiledCodeCache Cache { get; init; } = CompiledCodeCache.Shared;

    /// <summary>The defaults.</summary>
    public static KeyCodecOptions Default { get; } = new();
}
