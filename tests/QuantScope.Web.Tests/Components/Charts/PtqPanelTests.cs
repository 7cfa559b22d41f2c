using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Quantization;
using QuantScope.Web.Components.Charts;

namespace QuantScope.Web.Tests.Components.Charts;

public sealed class PtqPanelTests
{
    [Theory]
    [InlineData(null, "–")]
    [InlineData(0.34677, "0.3468")]
    [InlineData(-0.00032389, "-0.0003239")]
    public void N_Values_FourSignificantDigitsOrMissing(double? value, string expected) => Assert.Equal(expected, PtqPanel.N(value));

    [Fact]
    public void Choices_EveryEntry_ResolvesToAPlan()
    {
        Assert.All(PtqPanel.Choices, c =>
        {
            var plan = c.StartsWith("format:", StringComparison.Ordinal) ? PtqPlans.Resolve(null, c[7..], null) : PtqPlans.Resolve(c, null, null);
            Assert.NotEmpty(plan.Rules);
        });
        Assert.Equal(QuantPlan.PresetNames.Count, PtqPanel.Choices.Count(c => !c.StartsWith("format:", StringComparison.Ordinal)));
    }
}
