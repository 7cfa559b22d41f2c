using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Web.Api;

/// <summary>Response of <c>GET /api/runs/{id}/diagnosis</c>: the findings, critical first.</summary>
public sealed record DiagnosisDto(IReadOnlyList<Finding> Findings);
