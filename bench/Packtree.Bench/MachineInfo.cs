using System.Runtime;
using System.Runtime.InteropServices;

namespace Packtree.Bench;

/// <summary>What the figures were measured on, so runs on different machines are not compared blindly.</summary>
public sealed record MachineInfo(string Os, string Arch, string? Cpu, int Cores, string Runtime, string Gc)
{
    public static MachineInfo Current() => new(
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        CpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.FrameworkDescription,
        GCSettings.IsServerGC ? "server" : "workstation");

    private static string? CpuModel()
    {
        try
        {
            const string prefix = "model name";
            var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) : null;
            return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
