using NetArchTest.Rules;

namespace Packtree.Tests;

/// <summary>
/// Layers depend only downward: keys, then key codecs, then nodes, then the store file's parts (device,
/// superblock, journal, buckets), then trees (with their node cache and node I/O), then the public API and its diagnostics
/// (Packtree.Diagnostics).
/// One exception to "the root namespace is the top": the exceptions in it (types deriving from
/// <see cref="Exception"/>, such as <see cref="CorruptStoreException"/>, <see cref="CorruptNodeException"/>
/// and <see cref="ValueTooLargeException"/>, with the enums their properties carry, such as
/// <see cref="StorePart"/>) are the bottom layer: every layer may throw them, and they use no other
/// Packtree namespace and nothing else of the root one. Read from the compiled library's references, so
/// a `using` that slips in is caught.
/// </summary>
public sealed class LayerTests
{
    private static readonly string[] Layers = ["Packtree.Keys", "Packtree.Codegen", "Packtree.Nodes", "Packtree.Storage", "Packtree.Trees"];

    public static TheoryData<string> Namespaces => [.. Layers];

    /// <summary>The root namespace's types (compiler-generated ones left out).</summary>
    private static IEnumerable<Type> RootTypes => typeof(Store).Assembly.GetTypes().Where(t => t.Namespace == "Packtree" && !t.Name.StartsWith('<') && !t.IsNested);

    /// <summary>The bottom layer: the root namespace's exceptions, and the root enums their properties carry.</summary>
    private static HashSet<Type> Bottom
    {
        get
        {
            var exceptions = RootTypes.Where(t => t.IsAssignableTo(typeof(Exception))).ToList();
            var carried = exceptions.SelectMany(t => t.GetProperties()).Select(p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)
                .Where(t => t.IsEnum && t.Namespace == "Packtree");
            return [.. exceptions, .. carried];
        }
    }

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void ANamespaceUsesNoneAboveIt(string layer)
    {
        var above = Layers.SkipWhile(l => l != layer).Skip(1).ToList();
        // The public API lives in the root namespace, and the diagnostics over it in Packtree.Diagnostics: every type
        // there but the bottom layer's is above every layer.
        var bottom = Bottom;
        above.Add("Packtree.Diagnostics");
        above.AddRange(RootTypes.Where(t => !bottom.Contains(t)).Select(t => t.FullName!));
        // Matched exactly: a namespace prefix would also take root types whose names start alike (Packtree.KeyShape and Packtree.Keys).
        var result = Types.InAssembly(typeof(Store).Assembly).That().ResideInNamespaceMatching($"^{System.Text.RegularExpressions.Regex.Escape(layer)}$").ShouldNot().HaveDependencyOnAny([.. above]).GetResult();
        Assert.True(result.IsSuccessful, $"{layer} uses what is above it: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    /// <summary>
    /// The bcachefs image reader sits beside the store: it reads nodes through the node layer (and keys and key
    /// code below it) and knows nothing of the store's file, trees or API; no layer below uses it.
    /// </summary>
    [Fact]
    public void TheBcachefsReaderUsesOnlyTheNodeLayerAndBelow()
    {
        var bottom = Bottom;
        string[] forbidden = ["Packtree.Storage", "Packtree.Trees", "Packtree.Diagnostics", .. RootTypes.Where(t => !bottom.Contains(t)).Select(t => t.FullName!)];
        var result = Types.InAssembly(typeof(Store).Assembly).That().ResideInNamespace("Packtree.Bcachefs").ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful, $"Packtree.Bcachefs uses what it must not: {string.Join(", ", result.FailingTypeNames ?? [])}");
        var users = Types.InAssembly(typeof(Store).Assembly).That().ResideInNamespace("Packtree.Keys").Or().ResideInNamespace("Packtree.Codegen")
            .Or().ResideInNamespace("Packtree.Nodes").Or().ResideInNamespace("Packtree.Storage").Or().ResideInNamespace("Packtree.Trees")
            .ShouldNot().HaveDependencyOn("Packtree.Bcachefs").GetResult();
        Assert.True(users.IsSuccessful, $"a layer below uses Packtree.Bcachefs: {string.Join(", ", users.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void TheRootExceptionsUseNoOtherLayer()
    {
        var bottom = Bottom;
        Assert.Contains(typeof(CorruptStoreException), bottom);
        Assert.Contains(typeof(CorruptNodeException), bottom);
        Assert.Contains(typeof(ValueTooLargeException), bottom);
        Assert.Contains(typeof(StorePart), bottom);
        var forbidden = Layers.Append("Packtree.Diagnostics").Concat(RootTypes.Where(t => !bottom.Contains(t)).Select(t => t.FullName!)).ToArray();
        var names = string.Join('|', bottom.Select(t => t.Name));
        var result = Types.InAssembly(typeof(Store).Assembly).That().ResideInNamespaceMatching("^Packtree$").And().HaveNameMatching($"^({names})$")
            .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful, $"the root exceptions use a layer: {string.Join(", ", result.FailingTypeNames ?? [])}");
        // The rule selected them all (a typo in the names would select none and pass).
        var selected = Types.InAssembly(typeof(Store).Assembly).That().ResideInNamespaceMatching("^Packtree$").And().HaveNameMatching($"^({names})$").GetTypes().Count();
        Assert.Equal(bottom.Count, selected);
    }
}
