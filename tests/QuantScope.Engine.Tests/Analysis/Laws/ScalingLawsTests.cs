using QuantScope.Engine.Analysis.Laws;

namespace QuantScope.Engine.Tests.Analysis.Laws;

public sealed class ScalingLawsTests
{
    [Fact]
    public void All_BuiltIns_HaveThePublishedConstantsInOrder()
    {
        Assert.Equal(
            ["chen2025-w4a4", "chen2025-w4a16", "chen2025-w16a4", "chen2025-w4a4-fc2int8", "chen2025-w16a4-fc2int8", "kumar2024-ptq"],
            ScalingLaws.Names);
        Assert.True(ScalingLaws.TryGet("chen2025-w4a4-fc2int8", out var chen));
        Assert.Equal([0.3519, 0.2637, 0.0964, 0.3407], chen.Constants);
        Assert.Equal(["k", "gN", "gD", "gG"], chen.ConstantNames);
        Assert.Equal("G", chen.ThirdInput);
        Assert.True(ScalingLaws.TryGet("kumar2024-ptq", out var kumar));
        Assert.Equal(LawFamily.KumarPtq, kumar.Family);
        Assert.Equal([0.0598, 0.5068, 0.3439, 0.5907], kumar.Constants);
        Assert.Equal(["cT", "gD", "gN", "gPost"], kumar.ConstantNames);
    }

    [Fact]
    public void TryGet_OtherCase_FindsTheLaw()
    {
        Assert.True(ScalingLaws.TryGet("CHEN2025-W16A4", out var law));
        Assert.Equal("chen2025-w16a4", law.Name);
    }

    [Fact]
    public void TryGet_UnknownName_ReturnsFalse() => Assert.False(ScalingLaws.TryGet("chen2024-w4a4", out _));
}
