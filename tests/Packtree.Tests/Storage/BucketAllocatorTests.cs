using Packtree.Storage;

namespace Packtree.Tests.Storage;

/// <summary>The buckets a replayed commit's value data may claim: free ones, and those the older copy reaches only as data; never nodes'.</summary>
public sealed class BucketAllocatorTests
{
    [Fact]
    public void ReplayClaimsFreeBucketsAndOlderCopyDataButNeverNodesInUseOrHeld()
    {
        var buckets = new BucketAllocator();
        buckets.Reset(used: [0, 1], usedByOlderCopy: [2], olderCopyData: [3], bucketCount: 6);
        Assert.Equal(2, buckets.PendingCount); // 2 and 3 wait for the older copy
        Assert.False(buckets.TryClaim(0)); // the trees' own
        Assert.False(buckets.TryClaim(2)); // the older copy's nodes
        Assert.True(buckets.TryClaim(3)); // the older copy's data only: the open bucket, appended to past it
        Assert.False(buckets.TryClaim(3)); // claimed once
        Assert.True(buckets.TryClaim(4)); // free
        Assert.True(buckets.TryClaim(8)); // past the file's end: the file grew for it
        Assert.Equal(1, buckets.PendingCount);
        buckets.CheckpointDone();
        Assert.Equal(0, buckets.PendingCount);
        Assert.Equal([2, 5, 6, 7], Enumerable.Range(0, 4).Select(_ => buckets.Allocate())); // free ones lowest first (2 once the older copy is replaced); claimed ones stay in use
        Assert.Equal(9, buckets.Allocate());
    }
}
