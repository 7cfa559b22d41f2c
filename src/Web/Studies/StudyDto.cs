using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Studies;

/// <summary>A study in <c>GET /api/studies</c> and <c>GET /api/studies/{id}</c>: its runs and the targets they meet.</summary>
/// <param name="Id">The study.</param>
/// <param name="Name">What it studies ("demo study").</param>
/// <param name="Status">Running while a run is pending, queued or training; Completed when every run completed; else
/// Interrupted, Failed or Cancelled (<see cref="StudyRepository.StatusOf"/>).</param>
/// <param name="CreatedAt">When its first run was recorded (UTC).</param>
/// <param name="Runs">The runs in arm order.</param>
/// <param name="Targets">The study's targets with what the runs measured (the engine's, through <see cref="StudyJudge"/>).</param>
public sealed record StudyDto(
    Guid Id, string Name, RunStatus Status, DateTime CreatedAt, IReadOnlyList<StudyRunDto> Runs, IReadOnlyList<StudyTargetDto> Targets);
