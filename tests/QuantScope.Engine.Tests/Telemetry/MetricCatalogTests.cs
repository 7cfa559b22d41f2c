using System.Text.RegularExpressions;
using QuantScope.Tests.Shared;

namespace QuantScope.Engine.Tests.Telemetry;

public sealed class MetricCatalogTests
{
    private static IEnumerable<MetricInfo> Everything => MetricCatalog.All.Concat(MetricCatalog.Families);

    [Fact]
    public void All_Names_AreUniqueAndNonEmpty()
    {
        var names = Everything.Select(m => m.Name).ToList();
        Assert.All(names, n => Assert.False(string.IsNullOrWhiteSpace(n)));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void All_EveryMetric_HasUnitLabelAndRolesByScope()
    {
        foreach (var m in Everything)
        {
            Assert.False(string.IsNullOrWhiteSpace(m.Unit), m.Name);
            Assert.False(string.IsNullOrWhiteSpace(m.Label), m.Name);
            if (m.Scope == MetricScope.PerLayer)
            {
                Assert.NotEmpty(m.Roles);
                Assert.All(m.Roles, r => Assert.True(TensorRoles.IsKnown(r), $"{m.Name}: role '{r}'"));
            }
            else
            {
                Assert.Empty(m.Roles);
            }
        }
    }

    [Fact]
    public void All_Aggregation_KeepsTheWorstValue()
    {
        foreach (var m in Everything)
            Assert.Equal(m.Better == BetterDirection.Higher ? BucketAggregation.Min : BucketAggregation.Max, m.Aggregation);
        Assert.True(MetricCatalog.TryGet(MetricCatalog.SqnrDb, out var sqnr));
        Assert.Equal(BucketAggregation.Min, sqnr.Aggregation);
    }

    [Fact]
    public void Offered_PickersStartWithTheDefaults()
    {
        var heat = MetricCatalog.All.Where(m => m.Offered && m.Scope == MetricScope.PerLayer).Select(m => m.Name).ToArray();
        var scalar = MetricCatalog.All.Where(m => m.Offered && m.Scope == MetricScope.Scalar).Select(m => m.Name).ToArray();
        Assert.Equal([MetricCatalog.OverflowFraction, MetricCatalog.SaturationEvent, MetricCatalog.UnderflowFraction,
            MetricCatalog.SqnrDb, MetricCatalog.AmaxRatio, MetricCatalog.Kurtosis], heat);
        Assert.Equal([MetricCatalog.Loss, MetricCatalog.BaselineLoss, MetricCatalog.LossApe, MetricCatalog.HeldOutLoss,
            MetricCatalog.ProbeAccuracy, MetricCatalog.LearningRate, MetricCatalog.StepMillis], scalar);
    }

    [Theory]
    [InlineData("overflowFraction", "fraction")]
    [InlineData("sqnrDb", "dB")]
    [InlineData("mse", "x² units")]
    [InlineData("whatIf.e5m2.sqnrDb", "dB")]
    [InlineData("task.facts.acc", "fraction")]
    [InlineData("baseline_task.facts.acc_norm", "fraction")]
    [InlineData("task.reasoning.twin_only", "items")]
    [InlineData("task.reasoning.run_only", "items")]
    [InlineData("outliers.model.layers.0.mlp.down_proj.2.channel", "channel index")]
    [InlineData("whatIf.e5m2.loss", "whatIf.e5m2.loss")]
    [InlineData("somethingNew", "somethingNew")]
    public void UnitOf_KnownFamilyAndUnknown_UnitOrOwnName(string metric, string unit) => Assert.Equal(unit, MetricCatalog.UnitOf(metric));

    [Theory]
    [InlineData("loss", true)]
    [InlineData("perplexity", true)]
    [InlineData("task.facts.acc", true)]
    [InlineData("baseline_task.facts.acc", true)]
    [InlineData("outliers.model.layers.0.mlp.down_proj.0.absmax", true)]
    [InlineData("amax", false)]
    [InlineData("whatIf.mxfp8.sqnrDb", false)]
    [InlineData("somethingNew", false)]
    public void IsScalar_ByScope_MatchesTheCatalog(string metric, bool scalar) => Assert.Equal(scalar, MetricCatalog.IsScalar(metric));

    [Fact]
    public void TryGet_WhatIf_TakesTheRepeatedMetricsDefinitionUnderItsOwnName()
    {
        var name = MetricCatalog.WhatIf("hif8", MetricCatalog.SqnrDb);
        Assert.True(MetricCatalog.TryGet(name, out var info));
        Assert.Equal(name, info.Name);
        Assert.Equal(MetricScope.PerLayer, info.Scope);
        Assert.Equal(BucketAggregation.Min, info.Aggregation);
    }

    [Fact]
    public void OutlierNames_RoundTripThroughTheFamilies()
    {
        Assert.Equal("outliers.model.layers.1.mlp.down_proj.3.absmax", MetricCatalog.OutlierAbsMax("model.layers.1.mlp.down_proj", 3));
        Assert.Equal("outliers.model.layers.1.mlp.down_proj.3.channel", MetricCatalog.OutlierChannel("model.layers.1.mlp.down_proj", 3));
        Assert.Equal("task.facts.acc_norm", MetricCatalog.TaskAccuracy("facts", normalised: true));
    }

    [Fact]
    public void Readme_MetricTable_ListsEveryMetricWithItsUnit()
    {
        var rows = ReadmeMetricRows();
        foreach (var m in Everything)
        {
            var row = rows.FirstOrDefault(r => r.Names.Contains(m.Name));
            Assert.True(row.Names is not null, $"README's metric table has no row for `{m.Name}`");
            Assert.Equal(m.Unit, row.Unit);
        }

        foreach (var metric in MetricCatalog.WhatIfMetrics)
            Assert.Contains(rows, r => r.Names.Contains(MetricCatalog.WhatIf("FORMAT", metric)));
    }

    [Fact]
    public void Readme_MetricTable_NamesOnlyCatalogMetrics()
    {
        foreach (var (names, _) in ReadmeMetricRows())
            foreach (var name in names.Where(n => !n.EndsWith('…')))
                Assert.True(MetricCatalog.TryGet(name, out _), $"README names `{name}`, which the catalog does not know");
    }

    // The rows of the table under "## Concepts and metrics": the names in backticks of the first cell, and the unit.
    private static List<(string[] Names, string Unit)> ReadmeMetricRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("| metric | per | unit |", StringComparison.Ordinal));
        Assert.True(start >= 0, "README has no metric table");
        var rows = new List<(string[], string)>();
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = Regex.Split(line.Trim('|'), @"(?<!\\)\|").Select(c => c.Trim()).ToArray();
            var names = Regex.Matches(cells[0], "`([^`]+)`").Select(m => m.Groups[1].Value).ToArray();
            rows.Add((names, cells[2]));
        }

        return rows;
    }
}
