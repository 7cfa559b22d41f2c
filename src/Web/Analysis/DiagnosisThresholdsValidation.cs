using Microsoft.Extensions.Options;
using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Web.Analysis;

/// <summary>Checks the <c>Diagnosis</c> section at start; each error names the key (<c>Diagnosis:SpikeWindow: ...</c>).</summary>
internal sealed class DiagnosisThresholdsValidation : IValidateOptions<DiagnosisThresholds>
{
    public ValidateOptionsResult Validate(string? name, DiagnosisThresholds options)
    {
        var errors = options.Validate();
        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors.Select(e => $"{AnalysisServiceCollectionExtensions.DiagnosisSection}:{e.Field}: {e.Message}"));
    }
}
