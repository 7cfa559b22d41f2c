using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Api;

/// <summary>The API's answer to a list of <see cref="ConfigError"/>s: a 400 ProblemDetails whose <c>errors</c> map each field to its messages.</summary>
public static class ValidationProblems
{
    /// <summary>A validation problem with <paramref name="title"/>, errors grouped by field in first-seen order.</summary>
    public static IResult From(IReadOnlyList<ConfigError> errors, string title) =>
        Results.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: title);
}
