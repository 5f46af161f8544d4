using System.Runtime.CompilerServices;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Creates the codec for a format under a strategy. The environment variable
/// <c>PACKTREE_UNPACK</c> (generic, byte-aligned, compiled, auto) overrides the requested strategy
/// for the whole process, so that a test suite can run under each.
/// </summary>
public static class KeyCodecFactory
{
    /// <summary>Name of the environment variable that forces a strategy.</summary>
    public const string StrategyEnvironmentVariable = "PACKTREE_UNPACK";

    private static readonly Lazy<UnpackStrategy?> Forced = new(() => ParseStrategy(Environment.GetEnvironmentVariable(StrategyEnvironmentVariable)));

    /// <summary>
    /// True when the runtime compiles dynamic code (not NativeAOT, not DynamicCodeSupport=false) and the
    /// machine is little-endian, which the compiled and byte-aligned loads assume.
    /// </summary>
    public static bool CanCompile => RuntimeFeature.IsDynamicCodeCompiled && BitConverter.IsLittleEndian;

    /// <summary>The strategy forced by <c>PACKTREE_UNPACK</c>, if any.</summary>
    public static UnpackStrategy? ForcedStrategy => Forced.Value;

    /// <summary>Creates a codec for <paramref name="format"/>; <c>PACKTREE_UNPACK</c>, when set, wins over <paramref name="strategy"/>.</summary>
    public static KeyCodec Create(BkeyFormat format, UnpackStrategy strategy = UnpackStrategy.Auto)
    {
        switch (ForcedStrategy ?? strategy)
        {
            case UnpackStrategy.Generic:
                return new GenericKeyCodec(format);
            case UnpackStrategy.ByteAligned:
                return Portable(format);
            case UnpackStrategy.Compiled:
                return RuntimeFeature.IsDynamicCodeSupported && CanCompile ? CompiledKeyCodec.Compile(format) : Portable(format);
            default:
                return Portable(format);
        }
    }

    /// <summary>Parses a strategy name as the environment variable and the command line spell it.</summary>
    /// <exception cref="ArgumentException">The name is not a strategy.</exception>
    public static UnpackStrategy? ParseStrategy(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "auto" => UnpackStrategy.Auto,
        "generic" => UnpackStrategy.Generic,
        "byte-aligned" or "bytealigned" or "byte_aligned" => UnpackStrategy.ByteAligned,
        "compiled" => UnpackStrategy.Compiled,
        _ => throw new ArgumentException($"'{name}' is not an unpack strategy; use auto, generic, byte-aligned or compiled.", nameof(name)),
    };

    /// <summary>The byte-aligned codec where the format allows it and the loads are valid, else generic (as bcachefs falls back).</summary>
    private static KeyCodec Portable(BkeyFormat format) =>
        format.IsByteAligned && BitConverter.IsLittleEndian ? new ByteAlignedKeyCodec(format) : new GenericKeyCodec(format);
}
