using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>
/// A device over byte arrays that models what a power cut leaves of a file. It keeps two images: the
/// current one (every write applied: what the running store reads back, as from the page cache) and the
/// durable one (what is on stable storage). Every write, and every discard (a write of zeros that does
/// not grow the device), is recorded as pending; <see cref="Flush"/> applies the pending writes, in
/// order, to the durable image. <see cref="Cut(Random)"/> builds the image a power cut leaves: the
/// durable image plus each pending write kept or lost, the kept ones applied in a random order and each
/// possibly torn, with only some of its 512-byte sectors applied (a sector of one write is all or
/// nothing, never torn finer).
/// </summary>
/// <remarks>
/// <see cref="CutAfter"/> arms the cut: after that many more operations (writes, discards and flushes)
/// every write, discard and flush throws <see cref="IOException"/> ("power cut"), so the store stops as
/// the machine would; <see cref="CutAtFlush"/> arms it at a flush. Reads keep returning the current
/// image. <see cref="CrashAfter"/> and <see cref="CrashAtFlush"/> arm a process crash instead:
/// operations fail the same way, but every write made stays (in the current image, and pending until a
/// flush) for the store opened next, after <see cref="Restart"/>. <see cref="CutKeeping"/> builds the
/// image of a cut that keeps chosen writes, for scenarios. Disposing the device keeps its bytes, so a
/// store can be closed and opened again on it. Thread-safe.
/// </remarks>
internal sealed class PowerCutDevice : StorageDevice
{
    public const int SectorBytes = 512;

    private readonly object _lock = new();
    private readonly ByteImage _current;
    private readonly ByteImage _durable;
    private readonly List<PendingWrite> _pending = [];
    private long? _operationsLeft;
    private long? _operationsUntilCrash;
    private int _flushesUntilCut;
    private int _flushesUntilCrash;

    /// <summary>A device holding <paramref name="image"/> (empty when null), all of it durable.</summary>
    public PowerCutDevice(byte[]? image = null)
    {
        _current = new ByteImage(image);
        _durable = new ByteImage(image);
    }

    /// <summary>A label recorded with each write from now on (which operation of a test made it), shown by <see cref="LastCut"/>.</summary>
    public string? Label { get; set; }

    /// <summary>Writes, discards and flushes done so far.</summary>
    public long Operations { get; private set; }

    /// <summary>Whether the armed cut has happened (writes and flushes now fail).</summary>
    public bool IsCut { get; private set; }

    /// <summary>Whether the armed process crash has happened (writes and flushes fail until <see cref="Restart"/>).</summary>
    public bool IsCrashed { get; private set; }

    /// <summary>How the last <see cref="Cut(Random)"/> treated each pending write, in the order they were issued.</summary>
    public IReadOnlyList<PendingFate> LastCut { get; private set; } = [];

    /// <summary>Writes (and discards) since the last flush.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock) return _pending.Count;
        }
    }

    /// <inheritdoc />
    public override long Length
    {
        get
        {
            lock (_lock) return _current.Length;
        }
    }

    /// <summary>After <paramref name="operations"/> more writes, discards and flushes, every further one throws (the power is cut).</summary>
    public void CutAfter(long operations)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(operations);
        lock (_lock) _operationsLeft = operations;
    }

    /// <summary>
    /// After <paramref name="operations"/> more writes, discards and flushes, every further one throws
    /// (the process is killed there) until <see cref="Restart"/>. Unlike a power cut, every write made
    /// stays, flushed or not, as the operating system keeps them.
    /// </summary>
    public void CrashAfter(long operations)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(operations);
        lock (_lock) _operationsUntilCrash = operations;
    }

    /// <summary>The power is cut at the <paramref name="nth"/> flush from now (1: the next one): the writes before it stay pending.</summary>
    public void CutAtFlush(int nth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nth);
        lock (_lock) _flushesUntilCut = nth;
    }

    /// <summary>The process dies at the <paramref name="nth"/> flush from now (1: the next one), as with <see cref="CrashAfter"/>.</summary>
    public void CrashAtFlush(int nth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nth);
        lock (_lock) _flushesUntilCrash = nth;
    }

    /// <summary>The writes (and discards) since the last flush, in the order they were made: where, how many bytes, whether a discard.</summary>
    public IReadOnlyList<(long Offset, int Length, bool Discard)> PendingWrites()
    {
        lock (_lock) return [.. _pending.Select(w => (w.Offset, w.Bytes.Length, w.Discard))];
    }

    /// <summary>A new process takes the device after a crash: writes and flushes work again; what was pending stays pending.</summary>
    public void Restart()
    {
        lock (_lock)
        {
            IsCrashed = false;
            _operationsUntilCrash = null;
            _flushesUntilCrash = 0;
        }
    }

    /// <summary>The current image (a copy): what a process reopening the file without a power cut would see.</summary>
    public byte[] Current()
    {
        lock (_lock) return _current.ToArray();
    }

    /// <summary>The durable image (a copy): what a power cut that keeps no pending write leaves.</summary>
    public byte[] Durable()
    {
        lock (_lock) return _durable.ToArray();
    }

    /// <inheritdoc />
    public override void Read(long offset, Span<byte> destination)
    {
        lock (_lock) _current.Read(offset, destination);
    }

    /// <inheritdoc />
    public override void Write(long offset, ReadOnlySpan<byte> source)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        lock (_lock)
        {
            Operate();
            if (source.Length == 0) return;
            _current.Write(offset, source, grow: true);
            _pending.Add(new PendingWrite(offset, source.ToArray(), Discard: false, Label, Operations));
        }
    }

    /// <summary>Hole punching: a pending write of zeros over the part of the range the device holds (it does not grow the device).</summary>
    public override void Discard(long offset, long length)
    {
        lock (_lock)
        {
            Operate();
            var end = Math.Min(offset + length, _current.Length);
            if (offset < 0 || end <= offset) return;
            var zeros = new byte[end - offset];
            _current.Write(offset, zeros, grow: false);
            _pending.Add(new PendingWrite(offset, zeros, Discard: true, Label, Operations));
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        lock (_lock)
        {
            if (_flushesUntilCut > 0 && --_flushesUntilCut == 0) _operationsLeft = 0;
            if (_flushesUntilCrash > 0 && --_flushesUntilCrash == 0) _operationsUntilCrash = 0;
            Operate();
            foreach (var write in _pending) _durable.Write(write.Offset, write.Bytes, grow: !write.Discard);
            _pending.Clear();
        }
    }

    /// <summary>
    /// The image a power cut leaves now, with a keep and a tear probability drawn from <paramref name="random"/>
    /// (sometimes every pending write lost, sometimes every one kept, sometimes a mix, torn or not).
    /// </summary>
    public byte[] Cut(Random random)
    {
        var keep = random.Next(6) switch
        {
            0 => 0.0,
            1 => 1.0,
            _ => random.NextDouble(),
        };
        var tear = random.Next(3) == 0 ? 0.0 : random.NextDouble();
        return Cut(random, keep, tear);
    }

    /// <summary>
    /// The image a power cut leaves now: the durable image, plus each pending write kept with probability
    /// <paramref name="keepProbability"/>, the kept ones applied in a random order; a kept write that spans
    /// more than one sector is torn with probability <paramref name="tearProbability"/>: each of its sectors
    /// then applied or not (half and half). The image is as long as the furthest byte applied.
    /// </summary>
    public byte[] Cut(Random random, double keepProbability, double tearProbability)
    {
        lock (_lock)
        {
            var image = new ByteImage(_durable.ToArray());
            var fates = new PendingFate[_pending.Count];
            var kept = new List<int>();
            for (var i = 0; i < _pending.Count; i++)
            {
                fates[i] = new PendingFate(_pending[i].Offset, _pending[i].Bytes.Length, _pending[i].Discard, WriteFate.Lost, null, -1, _pending[i].Label, _pending[i].Operation);
                if (random.NextDouble() < keepProbability) kept.Add(i);
            }
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kept));
            for (var order = 0; order < kept.Count; order++)
            {
                var i = kept[order];
                var write = _pending[i];
                var sectors = SectorsOf(write.Offset, write.Bytes.Length);
                if (sectors.Count > 1 && random.NextDouble() < tearProbability)
                {
                    var applied = new bool[sectors.Count];
                    for (var s = 0; s < sectors.Count; s++)
                    {
                        applied[s] = random.Next(2) == 0;
                        if (applied[s]) image.Write(sectors[s].Offset, write.Bytes.AsSpan(sectors[s].Start, sectors[s].Length), grow: !write.Discard);
                    }
                    fates[i] = fates[i] with { Fate = WriteFate.Torn, SectorsApplied = applied, Order = order };
                }
                else
                {
                    image.Write(write.Offset, write.Bytes, grow: !write.Discard);
                    fates[i] = fates[i] with { Fate = WriteFate.Kept, Order = order };
                }
            }
            LastCut = fates;
            return image.ToArray();
        }
    }

    /// <summary>The image a power cut leaves when it keeps exactly the pending writes numbered <paramref name="kept"/> (0: the first since the last flush), whole, in that order; every other pending write is lost.</summary>
    public byte[] CutKeeping(params int[] kept)
    {
        lock (_lock)
        {
            var image = new ByteImage(_durable.ToArray());
            foreach (var i in kept) image.Write(_pending[i].Offset, _pending[i].Bytes, grow: !_pending[i].Discard);
            return image.ToArray();
        }
    }

    /// <summary>The pieces of a write of <paramref name="length"/> bytes at <paramref name="offset"/>, one per 512-byte sector of the device it touches.</summary>
    public static List<(long Offset, int Start, int Length)> SectorsOf(long offset, int length)
    {
        var pieces = new List<(long, int, int)>();
        var start = 0;
        while (start < length)
        {
            var at = offset + start;
            var n = (int)Math.Min(length - start, SectorBytes - at % SectorBytes);
            pieces.Add((at, start, n));
            start += n;
        }
        return pieces;
    }

    /// <summary>Keeps the bytes: a store closed on this device can be opened on it again.</summary>
    protected override void Dispose(bool disposing)
    {
    }

    private void Operate()
    {
        if (IsCut) throw new IOException("power cut");
        if (IsCrashed) throw new IOException("process crash");
        if (_operationsLeft == 0)
        {
            IsCut = true;
            throw new IOException("power cut");
        }
        if (_operationsUntilCrash == 0)
        {
            IsCrashed = true;
            throw new IOException("process crash");
        }
        _operationsLeft--;
        _operationsUntilCrash--;
        Operations++;
    }

    private sealed record PendingWrite(long Offset, byte[] Bytes, bool Discard, string? Label, long Operation);

    /// <summary>A growable byte image; bytes past its length read as zeros.</summary>
    private sealed class ByteImage(byte[]? bytes)
    {
        private byte[] _bytes = bytes is null ? new byte[1 << 20] : (byte[])bytes.Clone();

        public long Length { get; private set; } = bytes?.Length ?? 0;

        public void Read(long offset, Span<byte> destination)
        {
            destination.Clear();
            if (offset >= Length) return;
            var n = (int)Math.Min(destination.Length, Length - offset);
            _bytes.AsSpan((int)offset, n).CopyTo(destination);
        }

        /// <summary>Writes <paramref name="source"/>; with <paramref name="grow"/> false, only the part below the length.</summary>
        public void Write(long offset, ReadOnlySpan<byte> source, bool grow)
        {
            if (!grow)
            {
                if (offset >= Length) return;
                source = source[..(int)Math.Min(source.Length, Length - offset)];
            }
            var end = offset + source.Length;
            if (end > _bytes.Length) Array.Resize(ref _bytes, (int)Math.Max(end, Math.Min(_bytes.Length * 2L, int.MaxValue - 64)));
            source.CopyTo(_bytes.AsSpan((int)offset));
            Length = Math.Max(Length, end);
        }

        public byte[] ToArray() => _bytes.AsSpan(0, (int)Length).ToArray();
    }
}

/// <summary>What a power cut did with a pending write.</summary>
internal enum WriteFate
{
    Lost,
    Kept,
    Torn,
}

/// <summary>One pending write at a cut: where, how long, whether a discard, its fate, which of its sectors were applied (torn), its place in the random order (-1: lost), the device's label and operation number when it was made.</summary>
internal sealed record PendingFate(long Offset, int Length, bool Discard, WriteFate Fate, bool[]? SectorsApplied, int Order, string? Label = null, long Operation = 0)
{
    public override string ToString() =>
        $"device operation {Operation}{(Label is null ? "" : $" ({Label})")}: {(Discard ? "discard" : "write")} {Length} bytes at {Offset}: {Fate}" +
        (SectorsApplied is null ? "" : $" ({string.Join("", SectorsApplied.Select(a => a ? '1' : '0'))})") + (Order >= 0 ? $" #{Order}" : "");
}
