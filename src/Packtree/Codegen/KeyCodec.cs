using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// The code that reads and searches keys of one format. Every strategy implements the same
/// operations with identical results; they differ only in speed and set-up cost.
/// </summary>
/// <remarks>
/// A <em>run</em> is a sequence of keys laid out back to back as in a bset: each key's header
/// u64s gives its length in words (key plus value); keys with format 0 are packed in
/// <see cref="Format"/>, keys with format 1 are unpacked 40-byte headers.
/// </remarks>
internal abstract class KeyCodec
{
    /// <summary>Creates a codec for <paramref name="format"/>.</summary>
    protected KeyCodec(BkeyFormat format)
    {
        Format = format;
    }

    /// <summary>The format this codec reads.</summary>
    public BkeyFormat Format { get; }

    /// <summary>The strategy this codec implements.</summary>
    public abstract UnpackStrategy Strategy { get; }

    /// <summary>Unpacks one key packed in <see cref="Format"/>.</summary>
    /// <exception cref="InvalidPackedKeyException">The header is inconsistent with the format.</exception>
    public abstract void Unpack(ReadOnlySpan<byte> packed, out Bkey key);

    /// <summary>Unpacks the position of one key packed in <see cref="Format"/>.</summary>
    /// <exception cref="InvalidPackedKeyException">The header is inconsistent with the format.</exception>
    public abstract Bpos UnpackPosition(ReadOnlySpan<byte> packed);

    /// <summary>Compares the positions of two keys packed in <see cref="Format"/>: -1, 0 or 1.</summary>
    public virtual int ComparePacked(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => Format.ComparePacked(left, right);

    /// <summary>Packs a search position exactly; false when it does not fit.</summary>
    public virtual bool TryPackPosition(Bpos position, Span<byte> destination) => Format.TryPackPosition(position, destination);

    /// <summary>Packs the greatest representable position not above <paramref name="position"/>.</summary>
    public virtual PackPositionResult PackPositionLossy(Bpos position, Span<byte> destination) => Format.PackPositionLossy(position, destination);

    /// <summary>Unpacks the keys of a run into <paramref name="keys"/>; returns how many were unpacked (all, or as many as fit).</summary>
    /// <exception cref="InvalidPackedKeyException">A key's header is inconsistent with the format or runs past the end of the run.</exception>
    public virtual int UnpackRun(ReadOnlySpan<byte> run, Span<Bkey> keys)
    {
        var count = 0;
        for (var at = 0; at < run.Length && count < keys.Length; count++)
        {
            var key = RunKeys.Slice(Format, run, at, out var length);
            if (RunKeys.IsPacked(key)) Unpack(key, out keys[count]);
            else keys[count] = Bkey.Read(key);
            at += length;
        }
        return count;
    }

    /// <summary>Unpacks the positions of the keys of a run; returns how many were unpacked.</summary>
    public virtual int UnpackPositions(ReadOnlySpan<byte> run, Span<Bpos> positions)
    {
        var count = 0;
        for (var at = 0; at < run.Length && count < positions.Length; count++)
        {
            var key = RunKeys.Slice(Format, run, at, out var length);
            positions[count] = RunKeys.IsPacked(key) ? UnpackPosition(key) : Bkey.Read(key).Position;
            at += length;
        }
        return count;
    }

    /// <summary>
    /// Byte offset of the first key of a sorted run whose position is at or after
    /// <paramref name="search"/>, or the run's length when there is none.
    /// </summary>
    public virtual int FindFirstAtOrAfter(ReadOnlySpan<byte> run, Bpos search)
    {
        for (var at = 0; at < run.Length;)
        {
            var key = RunKeys.Slice(Format, run, at, out var length);
            var position = RunKeys.IsPacked(key) ? UnpackPosition(key) : Bkey.Read(key).Position;
            if (position >= search) return at;
            at += length;
        }
        return run.Length;
    }
}
