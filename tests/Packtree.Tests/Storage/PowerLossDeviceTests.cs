using Packtree.Keys;

namespace Packtree.Tests.Storage;

/// <summary>The power-cut device itself: what a cut keeps, loses, tears and reorders.</summary>
public sealed class PowerLossDeviceTests
{
    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    [Fact]
    public void FlushedWritesSurviveEveryCut()
    {
        var device = new PowerCutDevice();
        device.Write(0, Filled(3000, 1));
        device.Write(5000, Filled(700, 2));
        device.Flush();
        device.Write(1000, Filled(3000, 3)); // pending, over part of the flushed bytes
        var random = new Random(1);
        for (var i = 0; i < 200; i++)
        {
            var image = device.Cut(random);
            Assert.Equal(5700, image.Length);
            Assert.All(image[..1000], b => Assert.Equal(1, b));
            Assert.All(image[5000..5700], b => Assert.Equal(2, b));
            Assert.All(image[4000..5000], b => Assert.Equal(0, b));
        }
        var none = device.Cut(random, keepProbability: 0, tearProbability: 0);
        Assert.Equal(device.Durable(), none);
        Assert.All(none[1000..3000], b => Assert.Equal(1, b));
        var all = device.Cut(random, keepProbability: 1, tearProbability: 0);
        Assert.Equal(device.Current(), all);
        Assert.All(all[1000..4000], b => Assert.Equal(3, b));
    }

    [Fact]
    public void UnflushedWritesAreKeptLostOrTornAtSectorGranularity()
    {
        var device = new PowerCutDevice();
        device.Write(0, Filled(8192, 1));
        device.Flush();
        const int offset = 1000, length = 4000; // starts and ends inside a sector: 9 pieces
        device.Write(offset, Filled(length, 9));
        var pieces = PowerCutDevice.SectorsOf(offset, length);
        Assert.Equal(9, pieces.Count);
        Assert.Equal((1000L, 0, 24), pieces[0]);
        Assert.Equal((1024L, 24, 512), pieces[1]);
        Assert.Equal((4608L, 3608, 392), pieces[^1]);
        var random = new Random(2);
        int lost = 0, kept = 0, torn = 0;
        for (var i = 0; i < 500; i++)
        {
            var image = device.Cut(random, keepProbability: 0.7, tearProbability: 0.5);
            var applied = new List<bool>();
            foreach (var (at, _, n) in pieces)
            {
                var piece = image.AsSpan((int)at, n);
                var isNew = piece[0] == 9;
                foreach (var b in piece) Assert.Equal(isNew ? 9 : 1, b); // a sector's part of a write is all or nothing
                applied.Add(isNew);
            }
            Assert.All(image[..offset], b => Assert.Equal(1, b));
            Assert.All(image[(offset + length)..], b => Assert.Equal(1, b));
            var fate = device.LastCut.Single();
            if (applied.All(a => !a))
            {
                Assert.True(fate.Fate == WriteFate.Lost || fate.Fate == WriteFate.Torn);
                lost++;
            }
            else if (applied.All(a => a))
            {
                kept++;
            }
            else
            {
                Assert.Equal(WriteFate.Torn, fate.Fate);
                Assert.Equal(applied, fate.SectorsApplied);
                torn++;
            }
        }
        Assert.True(lost > 50 && kept > 50 && torn > 50, $"lost {lost}, kept {kept}, torn {torn}");
    }

    [Fact]
    public void AWriteWithinOneSectorIsNeverTorn()
    {
        var device = new PowerCutDevice();
        device.Write(0, Filled(4096, 1));
        device.Flush();
        device.Write(600, Filled(400, 5)); // inside sector 1
        device.Write(1020, Filled(8, 6)); // 4 bytes in sector 1, 4 in sector 2: two pieces
        var random = new Random(3);
        var split = false;
        for (var i = 0; i < 300; i++)
        {
            var image = device.Cut(random, keepProbability: 1, tearProbability: 1);
            Assert.All(image[600..1000], b => Assert.Equal(5, b));
            split |= image[1020] != image[1027];
        }
        Assert.True(split, "A write across a sector boundary was never torn at it.");
    }

    [Fact]
    public void PendingWritesAreAppliedInAnyOrder()
    {
        var device = new PowerCutDevice();
        device.Write(0, Filled(512, 1));
        device.Write(0, Filled(512, 2)); // the later write of the same sector
        var random = new Random(4);
        var seen = new HashSet<byte>();
        for (var i = 0; i < 200; i++) seen.Add(device.Cut(random, keepProbability: 1, tearProbability: 0)[0]);
        Assert.Equal(new byte[] { 1, 2 }, seen.Order());
        Assert.Equal(2, device.Current()[0]);
        device.Flush();
        Assert.Equal(2, device.Durable()[0]); // a flush applies them in order
        Assert.Equal(2, device.Cut(random)[0]);
    }

    [Fact]
    public void ACutCanKeepChosenWrites()
    {
        var device = new PowerCutDevice();
        device.Write(0, Filled(512, 1));
        device.Flush();
        device.Write(0, Filled(512, 2));
        device.Write(512, Filled(512, 3));
        device.Write(0, Filled(256, 4));
        Assert.Equal(Filled(512, 1), device.CutKeeping());
        Assert.Equal(Filled(512, 1).Concat(Filled(512, 3)), device.CutKeeping(1));
        Assert.Equal(Filled(256, 4).Concat(Filled(256, 2)), device.CutKeeping(0, 2)); // in the order given
        Assert.Equal(Filled(512, 2), device.CutKeeping(2, 0));
    }

    [Fact]
    public void ADiscardIsAPendingWriteOfZerosThatDoesNotGrowTheDevice()
    {
        var device = new PowerCutDevice();
        device.Write(0, Filled(8192, 7));
        device.Flush();
        device.Discard(4096, 8192); // half of it past the end
        Assert.Equal(8192, device.Length);
        var current = device.Current();
        Assert.All(current[4096..], b => Assert.Equal(0, b));
        Assert.Equal(8192, current.Length);
        var random = new Random(5);
        Assert.All(device.Cut(random, keepProbability: 0, tearProbability: 0)[4096..], b => Assert.Equal(7, b));
        var kept = device.Cut(random, keepProbability: 1, tearProbability: 0);
        Assert.Equal(8192, kept.Length);
        Assert.All(kept[4096..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void TheLengthIsTheFurthestByteApplied()
    {
        var device = new PowerCutDevice();
        device.Write(100, Filled(100, 1));
        device.Flush();
        device.Write(10_000, Filled(1000, 2));
        Assert.Equal(11_000, device.Length);
        var random = new Random(6);
        Assert.Equal(200, device.Cut(random, 0, 0).Length);
        Assert.Equal(11_000, device.Cut(random, 1, 0).Length);
        var buffer = new byte[50];
        new PowerCutDevice(device.Cut(random, 0, 0)).Read(180, buffer);
        Assert.Equal(Filled(20, 1).Concat(new byte[30]), buffer); // past the end: zeros
    }

    [Fact]
    public void TheArmedCutStopsWritesAndFlushes()
    {
        var device = new PowerCutDevice();
        device.CutAfter(3);
        device.Write(0, Filled(512, 1));
        device.Flush();
        device.Write(512, Filled(512, 2));
        Assert.False(device.IsCut);
        Assert.Equal("power cut", Assert.Throws<IOException>(() => device.Write(1024, Filled(512, 3))).Message);
        Assert.True(device.IsCut);
        Assert.Throws<IOException>(device.Flush);
        Assert.Throws<IOException>(() => device.Discard(0, 512));
        Assert.Equal(3, device.Operations);
        Assert.Equal(1024, device.Length); // the refused write never happened
        Assert.Equal(1, device.PendingCount);
        var buffer = new byte[1];
        device.Read(512, buffer); // reads still see every write made
        Assert.Equal(2, buffer[0]);
    }

    [Fact]
    public void ACutOrACrashCanComeAtAChosenFlush()
    {
        var device = new PowerCutDevice();
        device.CutAtFlush(2);
        device.Write(0, Filled(512, 1));
        device.Flush();
        device.Write(512, Filled(512, 2));
        device.Discard(0, 100);
        Assert.Equal([(512L, 512, false), (0L, 100, true)], device.PendingWrites());
        Assert.Throws<IOException>(device.Flush);
        Assert.True(device.IsCut);
        Assert.Equal(2, device.PendingCount);

        var crashing = new PowerCutDevice();
        crashing.CrashAtFlush(1);
        crashing.Write(0, Filled(512, 1));
        Assert.Throws<IOException>(crashing.Flush);
        Assert.True(crashing.IsCrashed);
        Assert.Throws<IOException>(() => crashing.Write(512, Filled(512, 2)));
        crashing.Restart();
        crashing.Write(512, Filled(512, 2));
        Assert.Equal(2, crashing.PendingCount); // the first write is still pending: the crash flushed nothing
        crashing.Flush();
        Assert.Equal(1024, crashing.Durable().Length);
    }

    [Fact]
    public void AStoreOnTheDeviceKeepsWhatWasFlushed()
    {
        var options = PowerLossTrial.Options(1024 * 1024);
        var device = new PowerCutDevice();
        var store = Store.Open(device, options);
        var tree = store.GetOrCreateTree("t");
        tree.Put(new Bpos(1, 1, 0), [1]);
        var batch = new WriteBatch().Put(tree, new Bpos(1, 2, 0), [2]);
        store.Write(batch, Durability.Buffered);
        Assert.True(device.PendingCount > 0);
        var random = new Random(7);
        using (var lost = Store.Open(new PowerCutDevice(device.Cut(random, keepProbability: 0, tearProbability: 0)), options))
        {
            var t = lost.GetOrCreateTree("t");
            Assert.Equal([1], t.Get(new Bpos(1, 1, 0)));
            Assert.Null(t.Get(new Bpos(1, 2, 0)));
        }
        using (var kept = Store.Open(new PowerCutDevice(device.Cut(random, keepProbability: 1, tearProbability: 0)), options))
        {
            Assert.Equal([2], kept.GetOrCreateTree("t").Get(new Bpos(1, 2, 0)));
        }
        store.CloseWithoutCheckpoint();
    }
}
