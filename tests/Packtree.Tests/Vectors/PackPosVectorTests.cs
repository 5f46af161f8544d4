using Packtree.Keys;

namespace Packtree.Tests.Vectors;

/// <summary>pack_pos.jsonl.gz: packing search positions exactly and lossily.</summary>
[Trait("Category", "Vectors")]
public sealed class PackPosVectorTests
{
    [Fact]
    public void EveryPositionPacksAsInBcachefs()
    {
        VectorCheck.Run("pack_pos.jsonl.gz", (r, check) =>
        {
            r.Informational("class");
            var format = FormatCatalog.Get(r, "format_id");
            var position = r.Position("pos");

            var exact = new byte[format.KeyBytes];
            var exactOk = format.TryPackPosition(position, exact);
            check.Equal(r, "exact_ok", r.Bool("exact_ok"), exactOk);
            var expectedExact = r.HexOrNull("exact_hex");
            if (exactOk) check.EqualBytes(r, "exact_hex", expectedExact, exact);
            else if (expectedExact is not null) check.Fail(r, "exact_hex present although the exact pack failed");

            var lossy = new byte[format.KeyBytes];
            var result = format.PackPositionLossy(position, lossy);
            check.Equal(r, "lossy_rc", r.Int("lossy_rc"), (int)result);
            check.Equal(r, "lossy_ret", r.String("lossy_ret"), result.ToString().ToUpperInvariant());
            var expectedLossy = r.HexOrNull("lossy_hex");
            if (result == PackPositionResult.Fail)
            {
                if (expectedLossy is not null) check.Fail(r, "bcachefs wrote lossy bytes where Packtree failed");
                if (r.Has("lossy_pos")) check.Fail(r, "lossy_pos present although the lossy pack failed");
                r.Informational("lossy_pos");
                return;
            }
            check.EqualBytes(r, "lossy_hex", expectedLossy, lossy);
            check.Equal(r, "lossy_pos", r.Position("lossy_pos"), format.UnpackPosition(lossy));
        });
    }
}
