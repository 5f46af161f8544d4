namespace Packtree.Tests.Vectors;

/// <summary>cmp.jsonl.gz: comparing packed keys with each other and with unpacked positions.</summary>
[Trait("Category", "Vectors")]
public sealed class CmpVectorTests
{
    [Fact]
    public void EveryComparisonAgreesWithBcachefs()
    {
        VectorCheck.Run("cmp.jsonl.gz", (r, check) =>
        {
            r.Informational("class");
            var format = FormatCatalog.Get(r, "format_id");
            var left = r.Hex("l_hex");
            var right = r.Hex("r_hex");
            var rightPosition = r.Position("r_pos");
            check.Equal(r, "cmp", r.Int("cmp"), Math.Sign(format.ComparePacked(left, right)));
            check.Equal(r, "cmp (reversed)", -r.Int("cmp"), Math.Sign(format.ComparePacked(right, left)));
            check.Equal(r, "cmp_left_packed", r.Int("cmp_left_packed"), Math.Sign(format.ComparePackedToPosition(left, rightPosition)));
            check.Equal(r, "r_pos", 0, format.ComparePackedToPosition(right, rightPosition));
        });
    }
}
