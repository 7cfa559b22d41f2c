using QuantScope.Engine.Model.Hf;

namespace QuantScope.Engine.Tests.Model.Hf;

public class MemoryEstimatorTests
{
    private const long Gib = 1L << 30;

    [Theory]
    [InlineData("inference")]
    [InlineData("ptq")]
    [InlineData("qat")]
    public void Estimate_135MModelOn24GiB_Fits(string use)
    {
        var config = HfConfigReader.Parse(HfConfigReaderTests.SmolLm135M, "c");
        var estimate = MemoryEstimator.Estimate(config, use, twin: true, availableBytes: 24 * Gib);
        Assert.True(estimate.Fits, estimate.Describe());
        Assert.Equal(4 * 134_515_008L, estimate.WeightBytes);
    }

    [Fact]
    public void Estimate_135MQatWithTwin_IsWeightsGradsMomentsTwiceAndAllowance()
    {
        var config = HfConfigReader.Parse(HfConfigReaderTests.SmolLm135M, "c");
        var estimate = MemoryEstimator.Estimate(config, "qat", twin: true, availableBytes: 24 * Gib);
        Assert.Equal(32 * 134_515_008L + MemoryEstimator.ActivationAllowanceBytes, estimate.RequiredBytes); // ~5 GiB
    }

    [Fact]
    public void Require_70BSizedModel_RefusesWithTheEstimate()
    {
        var big = new ModelConfig { Layers = 80, DModel = 8192, Heads = 64, KvHeads = 8, FfnDim = 28672, VocabSize = 128256 };
        var ex = Assert.Throws<HfModelException>(() => MemoryEstimator.Require(big, "ptq", availableBytes: 24 * Gib));
        Assert.Contains("model too large", ex.Message);
        Assert.Contains("GiB needed", ex.Message);
        Assert.Contains(big.ParameterCount().ToString("N0"), ex.Message);
    }

    [Fact]
    public void Available_ThisMachine_IsPositive() => Assert.True(MemoryEstimator.Available() > 0);
}
