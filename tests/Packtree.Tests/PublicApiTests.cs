using NetArchTest.Rules;
using Packtree.Cli.Commands;

namespace Packtree.Tests;

/// <summary>
/// The library's public surface is deliberate: the store's API in the root namespace, its diagnostics in
/// <c>Packtree.Diagnostics</c>, and only the few types of the layers below that its signatures need. The
/// full list of public members is src/Packtree/PublicAPI.Shipped.txt, kept by the public API analyzer.
/// </summary>
public sealed class PublicApiTests
{
    private static readonly string[] PublicNamespaces = ["Packtree", "Packtree.Diagnostics", "Packtree.Bcachefs"];

    /// <summary>Types of the lower layers that are public, each because a public signature or a user needs it.</summary>
    private static readonly string[] AllowedLowerTypes =
    [
        "Packtree.Keys.Bpos",                   // every key of the API
        "Packtree.Codegen.UnpackStrategy",      // StoreOptions.UnpackStrategy
    ];

    [Fact]
    public void EveryPublicTypeIsInAPublicNamespaceOrAllowed()
    {
        var stray = typeof(Store).Assembly.GetExportedTypes()
            .Where(t => !PublicNamespaces.Contains(t.Namespace) && !AllowedLowerTypes.Contains(t.FullName) && !AllowedLowerTypes.Contains(t.DeclaringType?.FullName))
            .Select(t => t.FullName)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(stray.Count == 0,
            $"Public types in a lower layer: {string.Join(", ", stray)}. Make each internal (tests and benchmarks see internals), " +
            $"or, when a public signature or a user truly needs it, add it to {nameof(AllowedLowerTypes)} with the reason.");
    }

    [Fact]
    public void ThePacktreeToolUsesOnlyThePublicApi()
    {
        // The tool is not given the library's internals; this fails if it ever is and uses them.
        var internals = typeof(Store).Assembly.GetTypes()
            .Where(t => !t.IsNested && !t.IsPublic && t.Namespace?.StartsWith("Packtree", StringComparison.Ordinal) == true)
            .Select(t => t.FullName!)
            .ToArray();
        var result = Types.InAssembly(typeof(CheckCommand).Assembly)
            .ShouldNot().HaveDependencyOnAny(internals).GetResult();
        Assert.True(result.IsSuccessful, $"The packtree tool uses the library's internals: {string.Join(", ", result.FailingTypeNames ?? [])}. Use the public API (Packtree.Diagnostics for checks and dumps).");
    }
}
