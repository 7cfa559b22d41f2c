namespace QuantScope.Web.Api;

/// <summary>Body of <c>PATCH /api/runs/{id}</c>: each field that is present replaces the run's.</summary>
public sealed record RunEditDto(string? Name, IReadOnlyList<string>? Tags, string? Notes)
{
    /// <summary>Longest run name, characters: one rule for PATCH, imports and external runs.</summary>
    public const int MaxNameLength = 200;

    /// <summary>What is wrong with a run name (null when none is given or it is fine): 1 to 200 characters, no control characters.</summary>
    public static string? NameProblem(string? name) =>
        name is null ? null
        : string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength ? $"must be 1 to {MaxNameLength} characters"
        : name.Any(char.IsControl) ? "must not contain control characters" : null;

    /// <summary>Field errors of the edit; empty when it is valid.</summary>
    public IReadOnlyList<QuantScope.Engine.Telemetry.ConfigError> Validate()
    {
        var errors = new List<QuantScope.Engine.Telemetry.ConfigError>();
        if (NameProblem(Name) is { } problem) errors.Add(new("name", problem));
        if (Tags is not null && Tags.Count > 32) errors.Add(new("tags", "at most 32 tags"));
        for (var i = 0; i < (Tags?.Count ?? 0); i++)
            if (string.IsNullOrWhiteSpace(Tags![i]) || Tags[i].Length > 64) errors.Add(new($"tags[{i}]", "must be 1 to 64 characters"));
        if (Notes is not null && Notes.Length > 20_000) errors.Add(new("notes", "at most 20000 characters"));
        return errors;
    }
}
