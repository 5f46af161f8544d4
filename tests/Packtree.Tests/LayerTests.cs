using NetArchTest.Rules;

namespace Packtree.Tests;

/// <summary>
/// Layers depend only downward: keys, then key codecs, then nodes, then the store file's parts (device,
/// superblock, journal, buckets), then trees (with their node cache and node I/O), then the public API and its diagnostics.
/// Read from the compiled library's references, so a `using` that slips in is caught.
/// </summary>
public sealed class LayerTests
{
    private static readonly string[] Layers = ["Packtree.Keys", "Packtree.Codegen", "Packtree.Nodes", "Packtree.Storage", "Packtree.Trees"];

    public static TheoryData<string> Namespaces => [.. Layers];

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void ANamespaceUsesNoneAboveIt(string layer)
    {
        var above = Layers.SkipWhile(l => l != layer).Skip(1).ToList();
        // The public API lives in the root namespace, and the diagnostics over it in Packtree.Diagnostics: every type there is above every layer.
        above.AddRange(typeof(Store).Assembly.GetTypes().Where(t => t.Namespace is "Packtree" or "Packtree.Diagnostics" && !t.Name.StartsWith('<')).Select(t => t.FullName!));
        var result = Types.InAssembly(typeof(Store).Assembly).That().ResideInNamespace(layer).ShouldNot().HaveDependencyOnAny([.. above]).GetResult();
        Assert.True(result.IsSuccessful, $"{layer} uses what is above it: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
