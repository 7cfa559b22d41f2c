using QuantScope.Engine.Training.Sweeps;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Tests.Sweeps;

public sealed class SweepTagsTests
{
    [Fact]
    public void Parse_TagsOfARun_RoundTripsIdNameIndexAndValues()
    {
        var id = Guid.NewGuid();
        var settings = new[] { SweepSetting.Of("weightDecay", 0.1), SweepSetting.Of("quant.preset", "w4a4-g128") };

        var membership = SweepTags.Parse(["mine", .. SweepTags.For(id, "wd sweep", 3, settings)]);

        Assert.NotNull(membership);
        Assert.Equal((id, "wd sweep", 3), (membership.SweepId, membership.Name, membership.Index));
        Assert.Equal(settings, membership.Settings);
        Assert.Equal("w4a4-g128", membership.Settings[1].Display);
    }

    [Fact]
    public void Parse_NoSweepTag_IsNull() => Assert.Null(SweepTags.Parse(["grid:steps=3", "ablation"]));

    [Fact]
    public void Parse_HandEditedValue_ShownAsText()
    {
        var membership = SweepTags.Parse([SweepTags.Of(Guid.NewGuid()), "grid:quant.preset=w4a4 (edited"]);

        Assert.Equal(("w4a4 (edited", null), (membership!.Settings[0].Display, membership.Settings[0].Number));
    }
}
