using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>
/// Shows a trainer's <see cref="TrainingProgress"/> as Spectre progress bars: one for pretraining (when configured) and
/// one for the main phase, labelled with its current phase. Called on the training thread; it only sets values, which
/// Spectre's refresh thread reads.
/// </summary>
public sealed class RunProgressBar : IProgress<TrainingProgress>
{
    private readonly ProgressTask? _pretrain;
    private readonly ProgressTask _main;
    private readonly bool _quantized;

    /// <summary>Adds the bars for <paramref name="config"/> to <paramref name="context"/>.</summary>
    public RunProgressBar(ProgressContext context, TrainConfig config)
    {
        if (config.Pretrain is { } p) _pretrain = context.AddTask("pretrain", maxValue: p.Steps);
        _main = context.AddTask("train", maxValue: config.Steps);
        _quantized = config.Quant is not null;
    }

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        var task = value.Phase == "pretrain" ? _pretrain : _main;
        if (task is null) return;
        task.MaxValue = Math.Max(1, value.TotalSteps);
        task.Description = Label(value.Phase);
        task.Value = value.Step;
    }

    private string Label(string phase) => phase switch
    {
        "pretrain" => "pretrain",
        "warmup" => "train: bf16 warmup",
        "qat" => _quantized ? "train: qat" : "train",
        "eval" => "train: eval",
        _ => Markup.Escape(phase),
    };
}
