using System.Globalization;
using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Analysis.KeepList;
using QuantScope.Web.Analysis;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// The run page's keep-list: previews the recommendation, and starts a new run with it in one click (the same config,
/// the recommended plan, through the <see cref="KeepListAdvisor"/> and the run coordinator), then opens that run.
/// </summary>
public partial class KeepListPanel
{
    private KeepListRecommendation? _recommendation;
    private string? _error;
    private bool _starting;

    /// <summary>The run the keep-list is for.</summary>
    [Parameter, EditorRequired] public Guid RunId { get; set; }

    /// <summary>The predicted error to reach, as a share of the run's (0 ≤ target &lt; 1).</summary>
    public double Target { get; set; } = KeepListRecommender.DefaultTargetFraction;

    [Inject] private KeepListAdvisor Advisor { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private async Task PreviewAsync()
    {
        _error = null;
        try
        {
            _recommendation = await Advisor.RecommendAsync(RunId, Target, CancellationToken.None);
        }
        catch (KeepListInputException ex)
        {
            (_recommendation, _error) = (null, ex.Message);
        }
    }

    private async Task StartAsync()
    {
        _error = null;
        _starting = true;
        try
        {
            if (await Advisor.StartAsync(RunId, Target, CancellationToken.None) is { } id) Navigation.NavigateTo($"/runs/{id}", forceLoad: true);
        }
        catch (KeepListInputException ex)
        {
            _error = ex.Message;
        }
        finally
        {
            _starting = false;
        }
    }

    private static string N(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}
