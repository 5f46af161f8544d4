using Packtree.Keys;
using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>Builds random nodes for codec tests and keeps the model (newest version of each live position) beside them.</summary>
internal sealed record TestNode(byte[] Bytes, NodeHeader Header, ulong Seq, int SectorsWritten, int Writes, ulong JournalSeq, Bkey[] Expected)
{
    public static TestNode Build(Random random, NodeCodec codec, int writes, int keysPerWrite)
    {
        var inode = (ulong)random.NextInt64(0, 1L << random.Next(1, 60));
        var min = new Bpos(inode, 0, 0);
        var max = new Bpos(inode + 1000, ulong.MaxValue, uint.MaxValue);
        // A format computed from the range and a sample of the keys to come; some later keys will not fit and are stored unpacked.
        var builder = new BkeyFormatBuilder().AddPosition(min).AddPosition(new Bpos(inode + (ulong)random.Next(0, 1000), (ulong)random.Next(0, 5000), (uint)random.Next(0, 4)));
        var format = builder.Build(roundToBytes: random.Next(2) == 0);
        var header = new NodeHeader(codec.Magic, NodeHeader.MakeFlags((uint)random.Next(0, 30), random.Next(0, 4), (uint)random.Next()), min, max, format);

        var seq = (ulong)random.NextInt64(1, long.MaxValue);
        var model = new SortedDictionary<Bpos, Bkey>();
        var bytes = new byte[codec.Geometry.NodeBytes];
        var written = 0;
        var journalSeq = 0UL;
        var done = 0;
        for (var write = 0; write < writes; write++)
        {
            var batch = new SortedDictionary<Bpos, Bkey>();
            var count = write == 0 ? keysPerWrite : Math.Max(1, keysPerWrite / 2);
            for (var i = 0; i < count; i++)
            {
                Bpos position;
                if (model.Count > 0 && random.Next(3) == 0) position = model.Keys.ElementAt(random.Next(model.Count)); // overwrite or delete
                else position = new Bpos(inode + (ulong)random.Next(0, 1000), (ulong)random.Next(0, 6000), (uint)random.Next(0, 5));
                var deleted = write > 0 && random.Next(4) == 0;
                batch[position] = deleted ? new Bkey(position) : new Bkey(position, (byte)random.Next(1, 39), random.Next(0, 4), (uint)random.Next(0, 300), new Bversion(0, (ulong)random.Next(0, 9)));
            }
            var keys = Encode(random, format, batch.Values);
            var bsetJournal = (ulong)random.Next(1, 1000);
            var sectors = write == 0
                ? codec.WriteFirst(bytes, header, seq, bsetJournal, keys)
                : keys.Length == 0 ? 0 : codec.WriteEntry(bytes, written, seq, bsetJournal, keys);
            if (sectors == 0) continue;
            if (written + sectors > codec.Geometry.NodeSectors) break;
            written += sectors;
            journalSeq = Math.Max(journalSeq, bsetJournal);
            done++;
            foreach (var (position, key) in batch)
            {
                if (key.Type == (byte)BkeyType.Deleted) model.Remove(position);
                else model[position] = key;
            }
        }
        return new TestNode(bytes, header, seq, written, done, journalSeq, [.. model.Values]);
    }

    /// <summary>The keys as a bset's key stream: packed where they fit (and mostly), else unpacked; values random.</summary>
    public static byte[] Encode(Random random, BkeyFormat format, IEnumerable<Bkey> keys)
    {
        var stream = new List<byte>();
        foreach (var key in keys)
        {
            var value = new byte[key.ValueU64s * 8];
            random.NextBytes(value);
            if (random.Next(6) != 0 && format.CanPack(key)) stream.AddRange(Pack(format, key)[..format.KeyBytes]);
            else
            {
                var unpacked = new byte[Bkey.ByteCount];
                key.Write(unpacked);
                stream.AddRange(unpacked);
            }
            stream.AddRange(value);
        }
        return [.. stream];
    }

    public static byte[] Pack(BkeyFormat format, Bkey key)
    {
        var bytes = new byte[Math.Max(format.KeyBytes, Bkey.ByteCount)];
        if (!format.TryPack(key, bytes)) key.Write(bytes);
        return bytes[..(format.TryPack(key, bytes) ? format.KeyBytes : Bkey.ByteCount)];
    }
}
