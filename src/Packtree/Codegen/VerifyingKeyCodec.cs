using Packtree.Keys;

namespace Packtree.Codegen;

/// <summary>
/// Runs every operation on the codec under test and on the generic path and throws
/// <see cref="CodecMismatchException"/>, printing both results, when they differ: the fast path and
/// its slow twin side by side, as in bcachefs's debug builds.
/// </summary>
internal sealed class VerifyingKeyCodec(KeyCodec inner) : KeyCodec(inner.Format)
{
    private readonly GenericKeyCodec _reference = new(inner.Format);

    /// <summary>The codec being verified.</summary>
    public KeyCodec Inner { get; } = inner;

    /// <inheritdoc/>
    public override UnpackStrategy Strategy => Inner.Strategy;

    /// <inheritdoc/>
    public override void Unpack(ReadOnlySpan<byte> packed, out Bkey key)
    {
        Inner.Unpack(packed, out key);
        _reference.Unpack(packed, out var expected);
        if (key != expected) Throw("Unpack", packed, expected.ToString(), key.ToString());
    }

    /// <inheritdoc/>
    public override Bpos UnpackPosition(ReadOnlySpan<byte> packed)
    {
        var position = Inner.UnpackPosition(packed);
        var expected = _reference.UnpackPosition(packed);
        if (position != expected) Throw("UnpackPosition", packed, expected.ToString(), position.ToString());
        return position;
    }

    /// <inheritdoc/>
    public override int ComparePacked(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = Inner.ComparePacked(left, right);
        var expected = _reference.ComparePacked(left, right);
        if (result != expected) Throw("ComparePacked", [.. left[..Format.KeyBytes], .. right[..Format.KeyBytes]], expected.ToString(), result.ToString());
        return result;
    }

    /// <inheritdoc/>
    public override bool TryPackPosition(Bpos position, Span<byte> destination)
    {
        Span<byte> expected = stackalloc byte[Format.KeyBytes];
        var expectedOk = _reference.TryPackPosition(position, expected);
        var ok = Inner.TryPackPosition(position, destination);
        if (ok != expectedOk || (ok && !destination[..Format.KeyBytes].SequenceEqual(expected)))
            Throw($"TryPackPosition({position})", [], Describe(expectedOk, expected), Describe(ok, destination[..Format.KeyBytes]));
        return ok;
    }

    /// <inheritdoc/>
    public override PackPositionResult PackPositionLossy(Bpos position, Span<byte> destination)
    {
        Span<byte> expected = stackalloc byte[Format.KeyBytes];
        var expectedResult = _reference.PackPositionLossy(position, expected);
        var result = Inner.PackPositionLossy(position, destination);
        var written = result != PackPositionResult.Fail;
        if (result != expectedResult || (written && !destination[..Format.KeyBytes].SequenceEqual(expected)))
            Throw($"PackPositionLossy({position})", [], $"{expectedResult} {Convert.ToHexStringLower(expected)}", $"{result} {Convert.ToHexStringLower(destination[..Format.KeyBytes])}");
        return result;
    }

    /// <inheritdoc/>
    public override int UnpackRun(ReadOnlySpan<byte> run, Span<Bkey> keys)
    {
        var count = Inner.UnpackRun(run, keys);
        var expected = new Bkey[keys.Length];
        var expectedCount = _reference.UnpackRun(run, expected);
        for (var i = 0; i < Math.Max(count, expectedCount); i++)
        {
            if (count != expectedCount || keys[i] != expected[i])
                Throw("UnpackRun", run, $"{expectedCount} keys, key {i} = {(i < expectedCount ? expected[i] : "none")}", $"{count} keys, key {i} = {(i < count ? keys[i] : "none")}");
        }
        return count;
    }

    /// <inheritdoc/>
    public override int UnpackPositions(ReadOnlySpan<byte> run, Span<Bpos> positions)
    {
        var count = Inner.UnpackPositions(run, positions);
        var expected = new Bpos[positions.Length];
        var expectedCount = _reference.UnpackPositions(run, expected);
        for (var i = 0; i < Math.Max(count, expectedCount); i++)
        {
            if (count != expectedCount || positions[i] != expected[i])
                Throw("UnpackPositions", run, $"{expectedCount} positions, position {i} = {(i < expectedCount ? expected[i] : "none")}", $"{count} positions, position {i} = {(i < count ? positions[i] : "none")}");
        }
        return count;
    }

    /// <inheritdoc/>
    public override int FindFirstAtOrAfter(ReadOnlySpan<byte> run, Bpos search)
    {
        var at = Inner.FindFirstAtOrAfter(run, search);
        var expected = _reference.FindFirstAtOrAfter(run, search);
        if (at != expected) Throw($"FindFirstAtOrAfter({search})", run, $"byte {expected}", $"byte {at}");
        return at;
    }

    /// <inheritdoc/>
    public override void UnpackKey(ReadOnlySpan<byte> packed, Span<ulong> key)
    {
        Inner.UnpackKey(packed, key);
        var count = Format.Schema.KeyFieldCount;
        var expected = new ulong[count];
        _reference.UnpackKey(packed, expected);
        if (!key[..count].SequenceEqual(expected)) Throw("UnpackKey", packed[..Math.Min(packed.Length, Format.KeyBytes)], Words(expected), Words(key[..count]));
    }

    /// <inheritdoc/>
    public override int UnpackKeys(ReadOnlySpan<byte> run, Span<ulong> keys)
    {
        var count = Inner.UnpackKeys(run, keys);
        var expected = new ulong[keys.Length];
        var expectedCount = _reference.UnpackKeys(run, expected);
        var stride = Format.Schema.KeyFieldCount;
        for (var i = 0; i < Math.Max(count, expectedCount); i++)
        {
            if (count != expectedCount || !keys.Slice(i * stride, stride).SequenceEqual(expected.AsSpan(i * stride, stride)))
                Throw("UnpackKeys", run, $"{expectedCount} keys, key {i} = {(i < expectedCount ? Words(expected.AsSpan(i * stride, stride)) : "none")}", $"{count} keys, key {i} = {(i < count ? Words(keys.Slice(i * stride, stride)) : "none")}");
        }
        return count;
    }

    /// <inheritdoc/>
    public override int FindFirstAtOrAfter(ReadOnlySpan<byte> run, ReadOnlySpan<ulong> search)
    {
        var at = Inner.FindFirstAtOrAfter(run, search);
        var expected = _reference.FindFirstAtOrAfter(run, search);
        if (at != expected) Throw($"FindFirstAtOrAfter({Words(search[..Format.Schema.KeyFieldCount])})", run, $"byte {expected}", $"byte {at}");
        return at;
    }

    /// <summary>Key fields as a dump prints them: hexadecimal words.</summary>
    private static string Words(ReadOnlySpan<ulong> words)
    {
        var text = new System.Text.StringBuilder("[");
        for (var i = 0; i < words.Length; i++) text.Append(i == 0 ? "" : " ").Append(words[i].ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        return text.Append(']').ToString();
    }

    private static string Describe(bool ok, ReadOnlySpan<byte> bytes) => ok ? Convert.ToHexStringLower(bytes) : "does not fit";

    private void Throw(string operation, ReadOnlySpan<byte> input, string expected, string actual) =>
        throw new CodecMismatchException(
            $"{Inner.Strategy} codec disagrees with the generic path in {operation} for format [{Format}]" +
            (input.IsEmpty ? "" : $" on input {Convert.ToHexStringLower(input[..Math.Min(input.Length, 256)])}") +
            $": generic gives {expected}, {Inner.Strategy} gives {actual}.");
}
