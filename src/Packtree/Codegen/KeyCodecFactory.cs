using System.Diagnostics;
using System.Runtime.CompilerServices;
using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Creates the codec for a format under <see cref="KeyCodecOptions"/>. The environment variables
/// <c>PACKTREE_UNPACK</c> (generic, byte-aligned, compiled, auto) and <c>PACKTREE_VERIFY_UNPACK=1</c>
/// override the options for the whole process, so that a test suite can run under each strategy.
/// </summary>
internal static class KeyCodecFactory
{
    /// <summary>Name of the environment variable that forces a strategy.</summary>
    public const string StrategyEnvironmentVariable = "PACKTREE_UNPACK";

    private static readonly Lazy<UnpackStrategy?> Forced = new(() => ParseStrategy(Environment.GetEnvironmentVariable(StrategyEnvironmentVariable)));
    private static readonly Lazy<bool> ForcedVerify = new(() => Environment.GetEnvironmentVariable(KeyCodecOptions.VerifyEnvironmentVariable) is "1" or "true");

    /// <summary>
    /// True when the runtime compiles dynamic code (not NativeAOT, not DynamicCodeSupport=false) and the
    /// machine is little-endian, which the compiled and byte-aligned loads assume.
    /// </summary>
    public static bool CanCompile => RuntimeFeature.IsDynamicCodeSupported && RuntimeFeature.IsDynamicCodeCompiled && BitConverter.IsLittleEndian;

    /// <summary>Whether <c>PACKTREE_VERIFY_UNPACK</c> turns verification on for the whole process.</summary>
    public static bool VerifyForced => ForcedVerify.Value;

    /// <summary>The strategy forced by <c>PACKTREE_UNPACK</c>, if any.</summary>
    public static UnpackStrategy? ForcedStrategy => Forced.Value;

    /// <summary>Creates a codec for <paramref name="format"/> with the given strategy and otherwise default options.</summary>
    public static KeyCodec Create(BkeyFormat format, UnpackStrategy strategy) => Create(format, KeyCodecOptions.Default with { Strategy = strategy });

    /// <summary>Creates a codec for <paramref name="format"/>; the environment variables, when set, win over <paramref name="options"/>.</summary>
    public static KeyCodec Create(BkeyFormat format, KeyCodecOptions? options = null)
    {
        options ??= KeyCodecOptions.Default;
        var codec = CreateUnverified(format, ForcedStrategy ?? options.Strategy, options);
        return options.Verify || ForcedVerify.Value ? new VerifyingKeyCodec(codec) : codec;
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

    private static KeyCodec CreateUnverified(BkeyFormat format, UnpackStrategy strategy, KeyCodecOptions options)
    {
        switch (strategy)
        {
            case UnpackStrategy.Generic:
                return new GenericKeyCodec(format);
            case UnpackStrategy.ByteAligned:
                return Portable(format);
            case UnpackStrategy.Compiled:
                if (RuntimeFeature.IsDynamicCodeSupported && CanCompile) return options.Cache.GetOrCompile(format);
                CodegenMetrics.FellBack();
                Trace.TraceWarning("Packtree: compiled key code was requested, but this runtime cannot compile dynamic code (NativeAOT, DynamicCodeSupport=false or a big-endian machine); using the portable path.");
                return Portable(format);
            default:
                if (RuntimeFeature.IsDynamicCodeSupported && CanCompile) return new TieredKeyCodec(Portable(format), options.Cache, options.CompileThreshold);
                return Portable(format);
        }
    }

    /// <summary>The byte-aligned codec where the format allows it and the loads are valid, else generic (as bcachefs falls back).</summary>
    private static KeyCodec Portable(BkeyFormat format) =>
        format.IsByteAligned && BitConverter.IsLittleEndian ? new ByteAlignedKeyCodec(format) : new GenericKeyCodec(format);
}
