namespace QuantScope.Web.Studies;

/// <summary>Settings of the demo, bound from appsettings section <c>Demo</c>.</summary>
public sealed class DemoOptions
{
    /// <summary>The appsettings section.</summary>
    public const string Section = "Demo";

    /// <summary>
    /// True: "Start demo" trains the study's quick arms (the tiny model, a few dozen steps: tests and a first look in
    /// seconds); false (default): the full study (the demo model, its pretraining and a few hundred steps per arm).
    /// </summary>
    public bool Quick { get; set; }
}
