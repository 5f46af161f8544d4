namespace Packtree.Keys;

// Packing bare keys (their key fields only), used as search keys inside a node, over any number of key fields; the
// Bpos methods are the same for positions, and the raw-value ones feed the compiled position packers.
internal sealed partial class BkeyFormat
{
    /// <summary>
    /// Packs the key fields <paramref name="key"/> exactly: header u64s = key_u64s, format 0, type 0, the fields
    /// after the key fields raw 0. Returns false, writing nothing, when a field does not fit.
    /// </summary>
    public bool TryPackSearch(ReadOnlySpan<ulong> key, Span<byte> destination)
    {
        CheckKeyLength(destination.Length);
        var count = Schema.KeyFieldCount;
        var f = _fields;
        if (KeyU64s == 1)
        {
            // One word (most nodes): each fitting raw value shifted into place, nothing on the stack.
            var word = 1UL;
            for (var i = 0; i < count; i++)
            {
                if (!Fits(f[i], key[i])) return false;
                if (f[i].Width != 0) word |= (key[i] - f[i].Offset) << f[i].LowBit;
            }
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(destination, word);
            return true;
        }
        for (var i = 0; i < count; i++)
        {
            if (!Fits(f[i], key[i])) return false;
        }
        // Every field fits: straight into the destination's words (no scratch space: a search packs at every node it passes).
        destination[..KeyBytes].Clear();
        for (var i = 0; i < count; i++) KeyWords.InsertInto(destination, f[i], key[i] - f[i].Offset);
        destination[0] = (byte)KeyU64s;
        return true;
    }

    /// <summary>
    /// Packs the greatest key this format can represent that is not above <paramref name="key"/> (its key fields), so
    /// that a search with it can stop early but never late. A field below its offset borrows from the fields before
    /// it (which then count down, and every field after becomes its largest value); a field above its range saturates,
    /// and so does every field after it.
    /// </summary>
    /// <returns><see cref="PackPositionResult.Exact"/>, <see cref="PackPositionResult.Smaller"/>, or
    /// <see cref="PackPositionResult.Fail"/> (nothing written) when every representable key is above it.</returns>
    public PackPositionResult PackSearchLossy(ReadOnlySpan<ulong> key, Span<byte> destination)
    {
        if (TryPackSearch(key, destination)) return PackPositionResult.Exact; // the usual case: the key lies in the node's range
        var count = Schema.KeyFieldCount;
        var f = _fields;
        Span<ulong> values = stackalloc ulong[count];
        key[..count].CopyTo(values);
        for (var i = count - 1; i >= 0; i--)
        {
            if (values[i] >= f[i].Offset) continue;
            // Count the fields before i down by one; fields i and after take their largest values.
            var borrow = i - 1;
            while (borrow >= 0 && values[borrow] == 0) borrow--;
            if (borrow < 0) return PackPositionResult.Fail;
            values[borrow]--;
            for (var j = borrow + 1; j < count; j++) values[j] = BitMath.Ones(Schema.UnpackedWidth(j));
            i = borrow + 1; // the field counted down may now be below its own offset: look again from it
        }
        var saturated = false;
        for (var i = 0; i < count; i++)
        {
            var raw = values[i] - f[i].Offset;
            saturated |= raw > f[i].Mask;
            values[i] = saturated ? f[i].Mask : raw;
        }
        WriteSearchKey(destination, values);
        return PackPositionResult.Smaller; // not exact: TryPackSearch would have taken it
    }

    /// <summary>Writes a search key from the key fields' raw (offset-subtracted, fitting) values: header u64s = key_u64s, format 0, type 0.</summary>
    private void WriteSearchKey(Span<byte> destination, ReadOnlySpan<ulong> raw)
    {
        var f = _fields;
        if (KeyU64s == 1)
        {
            // One word (most nodes): the fields lie in word 0, and a raw value fits its mask, 0 for a zero-width field.
            var word = (ulong)(uint)KeyU64s;
            for (var i = 0; i < raw.Length; i++) word |= f[i].Width == 0 ? 0 : raw[i] << f[i].LowBit;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(destination, word);
            return;
        }
        Span<ulong> words = stackalloc ulong[KeyU64s];
        for (var i = 0; i < raw.Length; i++) KeyWords.Insert(words, f[i], raw[i]);
        words[0] |= (uint)KeyU64s;
        KeyWords.WriteTo(words, destination);
    }

    /// <summary>
    /// Packs <paramref name="position"/> exactly: header u64s = key_u64s, format 0, type 0, the
    /// non-position fields raw 0. Returns false, writing nothing, when a component does not fit.
    /// </summary>
    public bool TryPackPosition(Bpos position, Span<byte> destination)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return TryPackSearch(key, destination);
    }

    /// <summary>
    /// Packs the largest representable position that is not above <paramref name="position"/>, so
    /// that a search with it can stop early but never late.
    /// </summary>
    /// <returns><see cref="PackPositionResult.Exact"/>, <see cref="PackPositionResult.Smaller"/>, or
    /// <see cref="PackPositionResult.Fail"/> (nothing written) when every representable position is above it.</returns>
    public PackPositionResult PackPositionLossy(Bpos position, Span<byte> destination)
    {
        Span<ulong> key = stackalloc ulong[BkeyFields.PositionCount];
        KeyFields.FromPosition(position, key);
        return PackSearchLossy(key, destination);
    }

    /// <summary>Whether the position's three components fit; if so, their raw (offset-subtracted) values.</summary>
    internal bool TryRawPosition(Bpos position, out ulong rawInode, out ulong rawOffset, out ulong rawSnapshot)
    {
        var f = _fields;
        rawInode = position.Inode - f[0].Offset;
        rawOffset = position.Offset - f[1].Offset;
        rawSnapshot = position.Snapshot - f[2].Offset;
        return Fits(f[0], position.Inode) && Fits(f[1], position.Offset) && Fits(f[2], position.Snapshot);
    }

    /// <summary>The raw field values of the greatest representable position not above <paramref name="position"/>.</summary>
    internal PackPositionResult LossyRawPosition(Bpos position, out ulong rawInode, out ulong rawOffset, out ulong rawSnapshot)
    {
        rawInode = rawOffset = rawSnapshot = 0;
        var f = _fields;
        var exact = true;
        var inode = position.Inode;
        var offset = position.Offset;
        ulong snapshot = position.Snapshot;

        // A component below its offset borrows from the component above it.
        if (snapshot < f[2].Offset)
        {
            if (offset == 0)
            {
                if (inode == 0) return PackPositionResult.Fail;
                inode--;
                offset = ulong.MaxValue;
            }
            else
            {
                offset--;
            }
            snapshot = uint.MaxValue;
            exact = false;
        }
        if (offset < f[1].Offset)
        {
            if (inode == 0) return PackPositionResult.Fail;
            inode--;
            offset = ulong.MaxValue;
            snapshot = uint.MaxValue;
            exact = false;
        }
        if (inode < f[0].Offset) return PackPositionResult.Fail;

        rawInode = inode - f[0].Offset;
        rawOffset = offset - f[1].Offset;
        rawSnapshot = snapshot - f[2].Offset;

        // A component above its range saturates, and so does everything below it.
        if (rawInode > f[0].Mask)
        {
            rawInode = f[0].Mask;
            rawOffset = f[1].Mask;
            rawSnapshot = f[2].Mask;
            exact = false;
        }
        else if (rawOffset > f[1].Mask)
        {
            rawOffset = f[1].Mask;
            rawSnapshot = f[2].Mask;
            exact = false;
        }
        else if (rawSnapshot > f[2].Mask)
        {
            rawSnapshot = f[2].Mask;
            exact = false;
        }

        return exact ? PackPositionResult.Exact : PackPositionResult.Smaller;
    }
}
