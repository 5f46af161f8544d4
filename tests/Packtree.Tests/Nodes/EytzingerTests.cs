using Packtree.Nodes;

namespace Packtree.Tests.Nodes;

/// <summary>Eytzinger index math: the table for N = 10 in docs/DESIGN.md §4.2, and consistency for every size up to 3,000.</summary>
public sealed class EytzingerTests
{
    [Fact]
    public void TheCheckTableForTenNodes()
    {
        const int n = 10;
        var extra = Eytzinger.Extra(n);
        Assert.Equal(6, extra);
        Assert.Equal(8, Eytzinger.First(n));
        Assert.Equal(7, Eytzinger.Last(n));
        int[] inorder = [7, 4, 9, 2, 6, 8, 10, 1, 3, 5];
        int[] next = [6, 10, 7, 9, 1, 3, 0, 4, 2, 5];
        int[] prev = [5, 9, 6, 8, 10, 1, 3, 0, 4, 2];
        int[] fromInorder = [8, 4, 9, 2, 10, 5, 1, 6, 3, 7];
        for (var i = 1; i <= n; i++)
        {
            Assert.Equal(inorder[i - 1], Eytzinger.ToInorder(i, n, extra));
            Assert.Equal(next[i - 1], Eytzinger.Next(i, n));
            Assert.Equal(prev[i - 1], Eytzinger.Prev(i, n));
            Assert.Equal(fromInorder[i - 1], Eytzinger.FromInorder(i, n, extra));
        }
    }

    [Fact]
    public void InOrderWalksVisitRanksOneToNForEverySize()
    {
        for (var n = 1; n <= 3000; n++)
        {
            var extra = Eytzinger.Extra(n);
            var rank = 0;
            var last = 0;
            for (var i = Eytzinger.First(n); i != 0; i = Eytzinger.Next(i, n))
            {
                rank++;
                Assert.Equal(rank, Eytzinger.ToInorder(i, n, extra));
                Assert.Equal(i, Eytzinger.FromInorder(rank, n, extra));
                Assert.Equal(last, Eytzinger.Prev(i, n));
                last = i;
            }
            Assert.Equal(n, rank);
            Assert.Equal(Eytzinger.Last(n), last);
        }
    }
}
