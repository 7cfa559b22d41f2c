using QuantScope.Engine.Model;

namespace QuantScope.Engine.Training;

/// <summary>The live pieces of a training run that a resume state is written from and loaded into.</summary>
internal sealed record ResumeParts(
    LlamaForCausalLM Model, ModelTrainer Optimizer, LlamaForCausalLM? Twin, ModelTrainer? TwinOptimizer,
    MetricBatchFactory Factory, SummaryBuilder Summary);
