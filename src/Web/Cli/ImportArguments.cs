namespace QuantScope.Web.Cli;

/// <summary>
/// What the <c>import</c> verb was given: the file or folder, the format (<c>auto</c> sniffs), the step column to use
/// (null: the importer finds one), the run name (null: the file's), the database (null: the default) and whether to
/// print the result as JSON.
/// </summary>
public sealed record ImportArguments(string Path, string Format, string? StepColumn, string? Name, string? Db, bool Json);
