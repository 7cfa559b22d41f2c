using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class DiagnoserTests
{
    [Fact]
    public void Run_HealthyRun_FindsNothing()
    {
        var findings = Diagnoser.Run(HealthyRun.Input());
        Assert.True(findings.Count == 0, string.Join("\n", findings.Select(f => $"{f.Detector}: {f.Title}: {f.Evidence}")));
    }

    [Fact]
    public void Run_EmptyInput_FindsNothing() => Assert.Empty(Diagnoser.Run(new DiagnosisInput()));

    [Fact]
    public void Run_SeveralProblems_CriticalFirst()
    {
        var input = HealthyRun.Input() with { RunError = "Training diverged at step 12: non-finite input of model.layers.0.mlp.down_proj." };
        input = input with { PlanWarnings = ["rule 2 (model.layers.*.mlp.gate, input) matched no layer"] };
        var findings = Diagnoser.Run(input);
        Assert.Equal([DetectorIds.NonFiniteOrigin, DetectorIds.Divergence, DetectorIds.ConfigMismatch], findings.Select(f => f.Detector));
        Assert.Equal(FindingSeverity.Warning, findings[^1].Severity);
    }
}
