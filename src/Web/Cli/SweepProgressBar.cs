using QuantScope.Engine.Telemetry;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>One Spectre progress bar per sweep run, labelled with its grid values; set from the run's training thread.</summary>
public sealed class SweepProgressBar(ProgressTask task, string label) : IProgress<TrainingProgress>
{
    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        task.MaxValue = Math.Max(1, value.TotalSteps);
        task.Description = value.Phase == "qat" || value.Phase == "warmup" ? label : $"{label} ({Markup.Escape(value.Phase)})";
        task.Value = value.Step;
    }
}
