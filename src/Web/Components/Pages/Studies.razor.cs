using Microsoft.AspNetCore.Components;
using QuantScope.Web.Studies;

namespace QuantScope.Web.Components.Pages;

/// <summary>The studies, newest first, from their runs' tags (so past studies survive restarts).</summary>
public partial class Studies
{
    private IReadOnlyList<StudyDto>? _studies;

    [Inject] private StudyRepository Repository { get; set; } = default!;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync() => _studies = await Repository.ListAsync(CancellationToken.None);
}
