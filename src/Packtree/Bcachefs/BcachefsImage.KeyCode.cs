using System.Collections.Concurrent;
using Packtree.Codegen;
using Packtree.Keys;

namespace Packtree.Bcachefs;

// Key code: one codec per node format, so that every node bcachefs packed in one format shares its code (and Auto's count).
public sealed partial class BcachefsImage
{
    private readonly ConcurrentDictionary<BkeyFormat, KeyCodec> _keyCode = new();
    private readonly CompiledCodeCache _codeCache;

    /// <summary>How leaves' keys are unpacked (<see cref="UnpackStrategy.Auto"/> unless the image was opened with another).</summary>
    public UnpackStrategy Strategy { get; }

    /// <summary>Formats met so far, each with the strategy its codec runs now (Auto's become Compiled once they pay).</summary>
    internal IReadOnlyDictionary<BkeyFormat, UnpackStrategy> KeyCodeStrategies => _keyCode.ToDictionary(c => c.Key, c => c.Value.Strategy);

    /// <summary>The codec for <paramref name="format"/>, made on first use with this image's strategy.</summary>
    internal KeyCodec KeyCode(BkeyFormat format) =>
        _keyCode.GetOrAdd(format, static (f, options) => KeyCodecFactory.Create(f, options), KeyCodecOptions.Default with { Strategy = Strategy, Cache = _codeCache });
}
