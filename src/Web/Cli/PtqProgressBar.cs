using QuantScope.Engine.Analysis.Ptq;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>Shows <see cref="PtqProgress"/> as one Spectre bar per stage; called on the analysis thread, it only sets values.</summary>
public sealed class PtqProgressBar(ProgressContext context) : IProgress<PtqProgress>
{
    private readonly Dictionary<string, ProgressTask> _tasks = [];

    /// <inheritdoc />
    public void Report(PtqProgress value)
    {
        lock (_tasks)
        {
            if (!_tasks.TryGetValue(value.Stage, out var task)) _tasks[value.Stage] = task = context.AddTask(Markup.Escape(value.Stage));
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
        }
    }
}
