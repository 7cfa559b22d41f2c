using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Components.Pages;

/// <summary>The sweeps list and a form to start one from its JSON.</summary>
public partial class Sweeps
{
    private const string Example = """
        {
          "name": "group size",
          "base": { "model": "tiny", "steps": 60, "batchSize": 8, "seqLen": 32, "baseline": true, "quant": { "preset": "w4a4-g128" } },
          "grid": { "quant.format": ["int4-g16", "int4-g32"], "weightDecay": [0, 0.1] }
        }
        """;

    private IReadOnlyList<SweepDto>? _sweeps;
    private IReadOnlyList<ConfigError> _errors = [];
    private string _json = Example;
    private bool _starting;

    [Inject] private SweepRepository Repository { get; set; } = default!;
    [Inject] private SweepService Service { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync() => _sweeps = await Repository.ListAsync(CancellationToken.None);

    private async Task StartAsync()
    {
        _starting = true;
        try
        {
            var (created, errors) = await Service.CreateAsync(_json, CancellationToken.None);
            _errors = errors;
            if (created is not null) Navigation.NavigateTo($"/sweeps/{created.SweepId}");
        }
        finally
        {
            _starting = false;
        }
    }
}
