using System.Text.RegularExpressions;
using Packtree.Cli.Commands;

namespace Packtree.Tests.Storage;

/// <summary>
/// The crash trials' byte-key trees: the workload draws the keys that stress packing, its model agrees with a store
/// that ran it and catches a store that differs, and trials through <c>packtree torture</c> recover byte-key trees
/// with nothing acknowledged lost.
/// </summary>
public sealed class TortureByteKeyTests
{
    [Fact]
    public void TheWorkloadDrawsByteKeysThatStressPacking()
    {
        var (store, _, commits) = TortureReplay.Run(seed: 11, commits: 4000);
        using (store)
        {
            var gamma = commits.SelectMany(c => c.Updates).Where(u => u.Tree == 2).Select(u => u.Key.Bytes!).ToList();
            Assert.Contains(gamma, k => k.Length == 0);
            Assert.Contains(gamma, k => k.Length == 64);
            Assert.Contains(gamma, k => k.Length > 1 && k.All(b => b == 0x00));
            Assert.Contains(gamma, k => k.Length > 1 && k.All(b => b == 0xFF));
            Assert.Contains(gamma, k => k.Length == 64 && k[^1] == 0xFF);
            Assert.True(gamma.Count(k => k.AsSpan().StartsWith("row/"u8)) >= 100);
            var distinct = gamma.Where(k => k.Length > 0).DistinctBy(Convert.ToHexString).ToList();
            Assert.Contains(distinct, k => distinct.Any(other => other.Length > k.Length && other.AsSpan().StartsWith(k))); // a proper prefix of another key

            var created = commits.Where(c => c.NewTree is not null).ToList();
            Assert.Contains(created, c => c.NewKind!.IsBytes);
            Assert.Contains(created, c => !c.NewKind!.IsBytes);
            // Every byte key fits its tree, and every tree fits the trials' 4 KiB nodes.
            var kinds = TortureWorkload.StartingTrees.Select(t => t.Kind).Concat(created.Select(c => c.NewKind!)).ToList();
            Assert.All(commits.SelectMany(c => c.Updates).Where(u => kinds[u.Tree].IsBytes), u => Assert.InRange(u.Key.Bytes!.Length, 0, kinds[u.Tree].MaxBytes));
        }
    }

    [Fact]
    public void TheModelAgreesWithAStoreThatRanTheWorkloadAndCatchesOneThatDiffers()
    {
        var (store, model, _) = TortureReplay.Run(seed: 5, commits: 3000);
        using (store)
        {
            Assert.Null(model.Compare(store, 3000));
            Assert.True(model.ByteKeyTrees >= 1);
            Assert.True(model.ByteKeys > 100);
            // Enough keys that the byte-key tree has split: packing is tried across nodes, not in one root leaf.
            var report = Packtree.Diagnostics.StoreCheck.Run(store);
            Assert.True(report.IsClean, string.Join("; ", report.Problems));
            Assert.True(Assert.Single(report.Trees, t => t.Name == "gamma").Levels >= 2);

            var gamma = store.GetOrCreateTree("gamma", TortureWorkload.StartingTrees[2].Kind);
            byte[] first = [], firstValue = [];
            foreach (var entry in gamma.Scan())
            {
                (first, firstValue) = (entry.KeyBytes.ToArray(), entry.Value.ToArray());
                break;
            }

            gamma.Delete(first);
            Assert.Contains("tree gamma", model.Compare(store, 3000), StringComparison.Ordinal);
            gamma.Put(first, firstValue);
            Assert.Null(model.Compare(store, 3000));

            gamma.Put(first, [.. firstValue, 1]);
            Assert.Equal($"tree gamma: wrong value at {KeyText.Print(first, hex: false)} after commit 3000", model.Compare(store, 3000));
            gamma.Put(first, firstValue);

            // A key the model lacks, ordered after every other: an extra key at the end.
            byte[] last = [.. Enumerable.Repeat((byte)0xFF, 64)];
            var hadLast = gamma.Get(last) is not null;
            if (!hadLast)
            {
                gamma.Put(last, "extra"u8);
                Assert.Equal($"tree gamma has an extra key 0x{new string('f', 128)} after commit 3000", model.Compare(store, 3000));
                gamma.Delete(last);
            }
            Assert.Null(model.Compare(store, 3000));
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void CrashTrialsRecoverByteKeyTreesWithNothingAcknowledgedLost()
    {
        const int trials = 8;
        var (exit, output, errors) = PacktreeCli.Run(TimeSpan.FromMinutes(10), "torture", "--trials", $"{trials}", "--seed", $"{Environment.TickCount & 0xffff}");
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.Contains($"{trials} trials, 0 failed", output, StringComparison.Ordinal);
        var verdicts = output.Split('\n').Select(l => Regex.Match(l, @"— ok \(\d+ commits, \d+ trees, (\d+) of byte keys \((\d+) keys\)")).Where(m => m.Success).ToList();
        Assert.Equal(trials, verdicts.Count);
        Assert.All(verdicts, m => Assert.True(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1));
        Assert.True(verdicts.Sum(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)) > 0, output);
    }
}
