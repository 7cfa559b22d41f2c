using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class ConfigMismatchDetectorTests
{
    [Fact]
    public void Detect_UnmatchedRuleFallbackAndQuantizedHead_OneFindingEach()
    {
        var input = HealthyRun.Input();
        input = input with
        {
            PlanWarnings = ["rule 2 (model.layers.*.mlp.gate, input) matched no layer", "model.layers.0.mlp.down_proj input: group size 48 does not divide in-features 64: fell back to int4 per channel"],
            Plan = [.. input.Plan.Select(p => p.Layer == "model.layers.0.mlp.down_proj" && p.Role == TensorRoles.Input
                ? p with { Format = "int4", Recipe = "block", Note = "group size 48 does not divide in-features 64: fell back to int4 per channel" } : p),
                new PlanEntry("lm_head", TensorRoles.Weight, "e4m3", "delayed(h=16,max,margin=0)", null)],
        };
        var findings = ConfigMismatchDetector.Detect(input, DiagnosisThresholds.Default).ToArray();
        Assert.Equal(["1 plan rule(s) matched no layer", "1 plan entr(ies) fell back", "The LM head or embedding is quantized"], findings.Select(f => f.Title));
        Assert.Equal(["model.layers.0.mlp.down_proj"], findings[1].Layers);
        Assert.All(findings, f => Assert.Equal(FindingSeverity.Warning, f.Severity));
    }

    [Fact]
    public void Detect_RequestedOverridesMissingFromPlan_Warns()
    {
        var input = HealthyRun.Input();
        input = input with { Requested = input.Requested! with { HistoryLength = 64, Algorithm = AmaxAlgorithm.Max } };
        var finding = Assert.Single(ConfigMismatchDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Contains("historyLength 64 requested, delayed(h=16,max,margin=0) in effect", finding.Evidence);
        Assert.Equal(4, finding.Layers.Count);
    }

    [Fact]
    public void Detect_QuantizationRequestedButAllHighPrecision_Critical()
    {
        var input = HealthyRun.Input();
        input = input with { Plan = input.Plan.Select(p => p with { Format = "fp32", Recipe = "high precision" }).ToArray() };
        Assert.Equal(FindingSeverity.Critical, Assert.Single(ConfigMismatchDetector.Detect(input, DiagnosisThresholds.Default)).Severity);
    }
}
