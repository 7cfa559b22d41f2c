namespace QuantScope.Engine.Training;

/// <summary>Host-side facts of one finished step, kept until its window of device stats is copied.</summary>
internal readonly record struct StepRecord(int Step, double LearningRate, double Millis, long Tokens);
