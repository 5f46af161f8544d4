namespace Packtree.Tests.Vectors;

/// <summary>transform.jsonl.gz: repacking a key (with its value) from one format into another.</summary>
[Trait("Category", "Vectors")]
public sealed class TransformVectorTests
{
    [Fact]
    public void EveryTransformAgreesWithBcachefs()
    {
        VectorCheck.Run("transform.jsonl.gz", (r, check) =>
        {
            r.Informational("class");
            var input = FormatCatalog.Get(r, "in_format_id");
            var output = FormatCatalog.Get(r, "out_format_id");
            var inBytes = r.Hex("in_hex");
            var outBytes = new byte[2048];
            var ok = output.TryTransform(input, inBytes, outBytes, out var written);
            check.Equal(r, "ok", r.Bool("ok"), ok);
            var expected = r.HexOrNull("out_hex");
            if (ok) check.EqualBytes(r, "out_hex", expected, outBytes.AsSpan(0, written));
            else if (expected is not null) check.Fail(r, "out_hex present although the transform failed");
        });
    }
}
