namespace QuantScope.Engine.Tests.Training;

/// <summary>Errors that compare two fields name both values, so the user sees the clash without looking anything up.</summary>
public sealed class ConfigValidatorComparisonTests
{
    [Fact]
    public void Validate_FieldsThatClash_MessagesNameBothValues()
    {
        var config = TrainConfig.Tiny with
        {
            SeqLen = 64,
            Model = TrainConfig.Tiny.Model with { ContextLength = 32 },
            Steps = 10,
            Bf16WarmupSteps = 12,
            LrWarmupSteps = 11,
            CheckpointEvery = 20,
        };
        var errors = ConfigValidator.Validate(config).Errors!.Select(e => e.ToString()).ToArray();
        Assert.Contains("seqLen: 64 must not exceed model.contextLength 32", errors);
        Assert.Contains("bf16WarmupSteps: 12 must be between 0 and steps (10)", errors);
        Assert.Contains("lrWarmupSteps: 11 must be between 0 and steps (10)", errors);
        Assert.Contains("checkpointEvery: 20 must be 0 (no checkpoints) or a number of steps between 1 and steps (10)", errors);
    }
}
