using System.Text;

namespace Packtree.Tests.Vectors;

/// <summary>
/// Runs a check over every record of one vector file and fails with a readable report of the first
/// mismatches, of fields that were not understood, and of records that were not checked.
/// </summary>
internal sealed class VectorCheck
{
    private const int MaxReported = 25;
    private readonly StringBuilder _report = new();
    private int _failures;

    public int Checked { get; private set; }

    public static VectorCheck Run(string file, Action<VectorRecord, VectorCheck> check)
    {
        var run = new VectorCheck();
        foreach (var record in VectorFile.Read(file))
        {
            try
            {
                check(record, run);
                var unknown = record.UnknownFields.ToList();
                if (unknown.Count > 0) run.Fail(record, $"fields not understood by this test: {string.Join(", ", unknown)}");
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                run.Fail(record, $"threw {e.GetType().Name}: {e.Message}");
            }
            run.Checked++;
        }

        var expected = VectorFile.CountRecords(file);
        Assert.True(run._failures == 0, $"{run._failures} of {run.Checked} records in {file} disagree:\n{run._report}");
        Assert.True(run.Checked == expected, $"{file} holds {expected} records but {run.Checked} were checked.");
        Assert.True(run.Checked > 0, $"{file} holds no records.");
        return run;
    }

    public void Fail(VectorRecord record, string what)
    {
        _failures++;
        if (_failures <= MaxReported) _report.AppendLine($"  {record.Where}: {what}");
        else if (_failures == MaxReported + 1) _report.AppendLine("  ...");
    }

    public void Equal<T>(VectorRecord record, string field, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) Fail(record, $"{field}: expected {expected}, got {actual}");
    }

    public void EqualBytes(VectorRecord record, string field, byte[]? expected, ReadOnlySpan<byte> actual)
    {
        if (expected is null)
        {
            Fail(record, $"{field}: expected null, got {Convert.ToHexStringLower(actual)}");
        }
        else if (!actual.SequenceEqual(expected))
        {
            Fail(record, $"{field}: expected {Convert.ToHexStringLower(expected)}, got {Convert.ToHexStringLower(actual)}");
        }
    }
}
