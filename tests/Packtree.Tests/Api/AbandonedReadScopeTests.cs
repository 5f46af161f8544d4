using Packtree.Keys;

namespace Packtree.Tests.Api;

/// <summary>A read scope left open by a thread that has exited does not hang writers; closing inside a scope is refused.</summary>
public sealed class AbandonedReadScopeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AScopeLeftByAnExitedThreadDoesNotHangWritesOrDispose(bool onDisk)
    {
        using var folder = new Storage.TempFolder();
        var store = onDisk ? Store.Open(folder.File("abandoned.packtree")) : Store.CreateInMemory();
        var tree = store.GetOrCreateTree("t");
        tree.Put(Bpos.Min, [1]);
        var thread = new Thread(() =>
        {
            var scope = store.BeginRead(); // never disposed
            Assert.True(scope.TryGet(tree, Bpos.Min, out _));
        });
        thread.Start();
        thread.Join();

        var writes = Task.Run(() =>
        {
            tree.Put(Bpos.Max, [2]);
            store.Dispose();
        });
        Assert.Same(writes, await Task.WhenAny(writes, Task.Delay(TimeSpan.FromSeconds(30)))); // else a write after the abandoned scope hung
        await writes;
    }

    [Fact]
    public void DisposingTheStoreInsideAReadScopeIsRefusedClearly()
    {
        using var store = Store.CreateInMemory();
        var tree = store.GetOrCreateTree("t");
        using (var scope = store.BeginRead())
        {
            var error = Assert.Throws<InvalidOperationException>(store.Dispose);
            Assert.Contains("read scope", error.Message, StringComparison.Ordinal);
        }
        tree.Put(Bpos.Min, [1]); // still open
        Assert.Equal([1], tree.Get(Bpos.Min));
    }
}
