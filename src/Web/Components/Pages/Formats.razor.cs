using System.Globalization;
using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Numerics;
using QuantScope.Web.Api;
using QuantScope.Web.Formats;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// The number formats: properties, the grid's relative spacing, and a quantize playground. Everything is computed
/// by the services in <c>QuantScope.Web.Formats</c>; this class only wires inputs to them.
/// </summary>
public partial class Formats
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private IReadOnlyList<FormatDto> _formats = [];
    private string _name = "e4m3";
    private INumberFormat? _engineFormat;
    private FormatDto? _format;
    private IReadOnlyList<double> _gridValues = [];
    private IReadOnlyList<double> _gridSpacing = [];
    private string _input = "";
    private string _scaleText = "1";
    private string _groupText = "";
    private IReadOnlyList<string> _messages = [];
    private IReadOnlyList<QuantizeRow>? _rows;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _formats = FormatCatalog.List();
        Pick(_name);
    }

    private void OnFormatPicked(ChangeEventArgs e)
    {
        Pick(e.Value?.ToString() ?? _name);
        _rows = null;
        _messages = [];
    }

    private void Pick(string name)
    {
        if (!FormatCatalog.TryFind(name, out var format)) return;
        _name = format.Name;
        _engineFormat = format;
        _format = FormatCatalog.Describe(format);
        (_gridValues, _gridSpacing) = FormatGrid.Spacing(format.RepresentableValues());
    }

    private void Run()
    {
        if (_engineFormat is null) return;
        var input = QuantizeInput.Parse(_input);
        var messages = input.Errors.ToList();
        if (!double.TryParse(_scaleText, NumberStyles.Float, Invariant, out var scale)) scale = double.NaN;
        int? group = null;
        if (!string.IsNullOrWhiteSpace(_groupText))
        {
            if (int.TryParse(_groupText, NumberStyles.Integer, Invariant, out var g)) group = g;
            else messages.Add($"group size: '{_groupText}' is not a whole number");
        }
        var errors = FormatQuantizeLimits.Validate(_engineFormat, input.Values.Count, scale, group);
        messages.AddRange(errors.Select(e => $"{Label(e.Field)} {e.Message}"));
        _messages = messages;
        // Valid values are still quantized when some lines did not parse; a bad scale or group stops the run.
        _rows = errors.Count == 0 && messages.Count == input.Errors.Count
            ? QuantizeRow.Of(input.Values, FormatQuantizer.Quantize(_engineFormat, input.Values, scale, group))
            : null;
    }

    private static string Label(string field) => field switch
    {
        "groupSize" => "group size",
        _ => field,
    };

    private static string Show(double v) => v.ToString("G7", Invariant);

    // Limits are often powers of two (2^-9, 2^15): say so next to the decimal.
    private static string ShowLimit(double v) =>
        double.IsFinite(Math.Log2(v)) && Math.Log2(v) == Math.Round(Math.Log2(v)) ? $"{Show(v)} (2^{Math.Log2(v)})" : Show(v);
}
