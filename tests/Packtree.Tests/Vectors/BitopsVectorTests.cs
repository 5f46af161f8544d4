namespace Packtree.Tests.Vectors;

/// <summary>bitops.jsonl.gz: greatest differing bit, first set bit, packed successor and byte swap.</summary>
[Trait("Category", "Vectors")]
public sealed class BitopsVectorTests
{
    [Fact]
    public void EveryBitOperationAgreesWithBcachefs()
    {
        VectorCheck.Run("bitops.jsonl.gz", (r, check) =>
        {
            var format = FormatCatalog.Get(r, "format_id");
            var op = r.String("op");
            switch (op)
            {
                case "greatest_differing_bit":
                    check.Equal(r, op, r.Int("result"), format.GreatestDifferingBit(r.Hex("l_hex"), r.Hex("r_hex")));
                    break;
                case "ffs":
                    check.Equal(r, op, r.Int("result"), format.FirstSetBit(r.Hex("k_hex")));
                    break;
                case "packed_successor":
                {
                    var key = r.Hex("k_hex");
                    var original = key.ToArray();
                    var ok = format.TryPackedSuccessor(key);
                    check.Equal(r, "ok", r.Bool("ok"), ok);
                    if (ok) check.EqualBytes(r, "out_hex", r.HexOrNull("out_hex"), key);
                    else if (r.HexOrNull("out_hex") is not null) check.Fail(r, "out_hex present although the successor failed");
                    else check.EqualBytes(r, "key left unchanged on failure", original, key);
                    break;
                }
                case "swab_key":
                {
                    var key = r.Hex("k_hex");
                    format.SwapKeyBytes(key);
                    check.EqualBytes(r, "out_hex", r.Hex("out_hex"), key);
                    break;
                }
                default:
                    check.Fail(r, $"op '{op}' is not understood");
                    break;
            }
        });
    }
}
