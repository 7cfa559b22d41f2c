using static TorchSharp.torch;

namespace QuantScope.Engine.Evaluation;

/// <summary>
/// Puts a model in eval mode under <c>no_grad</c> and restores its previous mode on dispose, so evaluating in the
/// middle of training neither builds autograd graphs nor advances quantization scaling states (they advance only in
/// training mode). The restore is model-wide: a model whose submodules were in mixed modes comes back uniform.
/// </summary>
internal sealed class EvalModeScope : IDisposable
{
    private readonly nn.Module _model;
    private readonly bool _wasTraining;
    private readonly IDisposable _noGrad;

    public EvalModeScope(nn.Module model)
    {
        _model = model;
        _wasTraining = model.training;
        model.eval();
        _noGrad = no_grad();
    }

    public void Dispose()
    {
        _noGrad.Dispose();
        _model.train(_wasTraining);
    }
}
