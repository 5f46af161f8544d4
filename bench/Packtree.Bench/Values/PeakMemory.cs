using System.Diagnostics;

namespace Packtree.Bench.Values;

/// <summary>
/// This process's working set and its peak since a point: on Linux the peak is reset by writing 5 to
/// /proc/self/clear_refs, so that a worker measures one workload's peak and not an earlier one's.
/// </summary>
public static class PeakMemory
{
    /// <summary>Resets the peak to the present working set; false where the system cannot (the peak is then the process's whole life).</summary>
    public static bool TryReset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The working set now, in bytes.</summary>
    public static long Current()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>The peak working set since the last reset (or since the process started), in bytes.</summary>
    public static long Peak()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
