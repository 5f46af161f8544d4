using BenchmarkDotNet.Running;

namespace Packtree.Benchmarks;

/// <summary>BenchmarkDotNet entry point: <c>dotnet run -c Release --project bench/Packtree.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
