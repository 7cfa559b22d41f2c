namespace QuantScope.Web.Api;

/// <summary>Body of <c>POST /api/models/inspect</c>: an absolute path to a local Hugging Face model folder.</summary>
public sealed record ModelInspectRequestDto(string? Path);
