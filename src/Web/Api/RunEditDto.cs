namespace QuantScope.Web.Api;

/// <summary>Body of <c>PATCH /api/runs/{id}</c>: each field that is present replaces the run's.</summary>
public sealed record RunEditDto(string? Name, IReadOnlyList<string>? Tags, string? Notes)
{
    /// <summary>Problems, by field; empty when the edit is valid.</summary>
    public IReadOnlyList<QuantScope.Engine.Telemetry.ConfigError> Validate()
    {
        var errors = new List<QuantScope.Engine.Telemetry.ConfigError>();
        if (Name is not null && (string.IsNullOrWhiteSpace(Name) || Name.Length > 200)) errors.Add(new("name", "must be 1 to 200 characters"));
        if (Tags is not null && Tags.Count > 32) errors.Add(new("tags", "at most 32 tags"));
        for (var i = 0; i < (Tags?.Count ?? 0); i++)
            if (string.IsNullOrWhiteSpace(Tags![i]) || Tags[i].Length > 64) errors.Add(new($"tags[{i}]", "must be 1 to 64 characters"));
        if (Notes is not null && Notes.Length > 20_000) errors.Add(new("notes", "at most 20000 characters"));
        return errors;
    }
}
