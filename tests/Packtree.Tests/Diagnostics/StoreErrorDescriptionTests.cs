using Packtree.Diagnostics;

namespace Packtree.Tests.Diagnostics;

/// <summary>Which errors are the store's own and how they read on one line: the rule the check and the tool share.</summary>
public sealed class StoreErrorDescriptionTests
{
    [Fact]
    public void DamageRefusalsAndForeignFilesAreStoreErrorsGivenByTheirMessage()
    {
        Exception[] storeErrors =
        [
            new CorruptStoreException(StorePart.Journal, 4096, "a rule"),
            new CorruptNodeException("node 7", 8192, 1, 24, "another rule"),
            new InvalidDataException("not a store"),
            new IOException("locked"),
            new UnauthorizedAccessException("no access"),
            new NotSupportedException("newer format"),
            new InvalidOperationException("read-only"),
        ];
        foreach (var e in storeErrors)
        {
            Assert.True(StoreCheck.IsStoreError(e), e.GetType().Name);
            Assert.Equal(e.Message, StoreCheck.Describe(e));
        }
    }

    [Fact]
    public void AnythingElseIsUnexpectedNamingItsTypeOnOneLine()
    {
        var e = new NullReferenceException("line one\nline two");
        Assert.False(StoreCheck.IsStoreError(e));
        Assert.Equal("unexpected error: NullReferenceException: line one line two", StoreCheck.Describe(e));
        Assert.Equal("multi line", StoreCheck.Describe(new IOException("multi\nline")));
    }
}
