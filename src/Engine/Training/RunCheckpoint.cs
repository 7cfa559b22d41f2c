namespace QuantScope.Engine.Training;

/// <summary>One parameter checkpoint of a run, as listed in its manifest (<see cref="CheckpointWriter.ManifestName"/>).</summary>
/// <param name="Step">Main-phase optimizer steps trained when it was saved.</param>
/// <param name="TokensSeen">Training tokens the weights have seen: pretraining steps plus main steps, × batch size × sequence length.</param>
/// <param name="File">File name inside the run's checkpoint folder (generated: <c>step-N.qsck</c>).</param>
public sealed record RunCheckpoint(int Step, long TokensSeen, string File);
