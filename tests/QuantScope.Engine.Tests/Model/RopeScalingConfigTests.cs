namespace QuantScope.Engine.Tests.Model;

public class RopeScalingConfigTests
{
    [Fact]
    public void Apply_Linear_DividesEveryFrequency()
    {
        double[] f = [1.0, 0.1, 0.001];
        new RopeScalingConfig { Type = "linear", Factor = 4 }.Apply(f);
        Assert.Equal([0.25, 0.025, 0.00025], f);
    }

    [Fact]
    public void Apply_Llama3_KeepsShortWavelengthsScalesLongOnesBlendsBetween()
    {
        // original context 64: wavelengths below 64/4 = 16 kept, above 64/1 = 64 divided by 8, between blended.
        var scaling = new RopeScalingConfig { Type = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 64 };
        double[] f = [2 * Math.PI / 8, 2 * Math.PI / 128, 2 * Math.PI / 32];
        scaling.Apply(f);
        Assert.Equal(2 * Math.PI / 8, f[0]);
        Assert.Equal(2 * Math.PI / 128 / 8, f[1], 15);
        var smooth = (64.0 / 32 - 1) / (4 - 1); // 1/3
        Assert.Equal((1 - smooth) * (2 * Math.PI / 32) / 8 + smooth * (2 * Math.PI / 32), f[2], 15);
    }
}
