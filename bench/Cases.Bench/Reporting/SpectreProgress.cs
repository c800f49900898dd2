using Cases.Bench.Scenarios;
using Spectre.Console;

namespace Cases.Bench.Reporting;

/// <summary>The scenarios' progress lines as Spectre.Console progress tasks.</summary>
public sealed class SpectreProgress(ProgressContext context) : IBenchProgress
{
    public static Progress Display() => AnsiConsole.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn());

    public IProgressLine Add(string description) => new Line(context.AddTask(Markup.Escape(description), maxValue: 1.0));

    private sealed class Line(ProgressTask task) : IProgressLine
    {
        public void Report(double fraction) => task.Value = Math.Clamp(fraction, 0, 1);

        public void Done(string summary)
        {
            task.Description = summary;
            task.Value = 1.0;
            task.StopTask();
        }
    }
}
