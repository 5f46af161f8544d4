using System.Text.RegularExpressions;
using Packtree.Cli.Commands;
using Packtree.Diagnostics;

namespace Packtree.Tests.Storage;

/// <summary>
/// The crash trials' values kept out of line: the workload draws sizes across the leaf limit and now and then of 64 KiB to
/// 1 MiB, overwrites and deletes such values alone and in batches; a store that ran it checks clean and agrees with the
/// model; and trials through <c>packtree torture</c> recover them with <c>check</c> finding nothing.
/// </summary>
public sealed class TortureLargeValueTests
{
    [Fact]
    public void TheWorkloadPutsOverwritesAndDeletesValuesKeptOutOfLine()
    {
        var workload = new TortureWorkload(17);
        var kinds = TortureWorkload.StartingTrees.Select(t => t.Kind).ToList();
        var large = new HashSet<(int, TreeKey)>();
        int outOfLine = 0, huge = 0, overwritten = 0, deleted = 0, inBatches = 0;
        for (var i = 0; i < 4000; i++)
        {
            var commit = workload.Next();
            if (commit.NewTree is not null)
            {
                kinds.Add(commit.NewKind!);
                continue;
            }
            foreach (var (tree, key, value) in commit.Updates)
            {
                var wasLarge = large.Contains((tree, key));
                if (wasLarge && value is null) deleted++;
                if (wasLarge && value is not null) overwritten++;
                if (value is not null && value.Length > TortureWorkload.LargestValue(kinds[tree]))
                {
                    outOfLine++;
                    if (commit.Updates.Count > 1) inBatches++;
                    if (value.Length >= 64 * 1024) huge++;
                    Assert.InRange(value.Length, 0, 1024 * 1024);
                    large.Add((tree, key));
                }
                else large.Remove((tree, key));
            }
        }
        Assert.True(outOfLine > 300, $"{outOfLine} values out of line");
        Assert.True(huge >= 3, $"{huge} values of 64 KiB or more");
        Assert.True(overwritten > 30, $"{overwritten} overwrites of values out of line");
        Assert.True(deleted > 10, $"{deleted} deletes of values out of line");
        Assert.True(inBatches > 50, $"{inBatches} values out of line in batches");
    }

    [Fact]
    public void AStoreThatRanTheWorkloadChecksCleanAndHoldsTheModelsValuesKeptOutOfLine()
    {
        var (store, model, _) = TortureReplay.Run(seed: 23, commits: 3000);
        using (store)
        {
            Assert.Null(model.Compare(store, 3000));
            var report = StoreCheck.Run(store);
            Assert.True(report.IsClean, string.Join("\n", report.Problems));
            Assert.True(model.LargeValues > 50, $"{model.LargeValues} values out of line");
            Assert.Equal(model.LargeValues, report.OutOfLineValues!.Values);
            Assert.True(report.OutOfLineValues.Pieces >= report.OutOfLineValues.Values);
        }
    }

    [Fact]
    public void CrashTrialsRecoverValuesKeptOutOfLineAndCheckClean()
    {
        const int trials = 3;
        var (exit, output, errors) = PacktreeCli.Run(TimeSpan.FromMinutes(5), "torture", "--trials", $"{trials}", "--seed", $"{Environment.TickCount & 0xffff}");
        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.Contains($"{trials} trials, 0 failed", output, StringComparison.Ordinal);
        var verdicts = output.Split('\n').Select(l => Regex.Match(l, @"— ok \(.*, (\d+) out of line\)")).Where(m => m.Success).ToList();
        Assert.Equal(trials, verdicts.Count);
        Assert.True(verdicts.Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) > 0, output);
    }
}
