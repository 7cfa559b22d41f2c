namespace QuantScope.Engine.Analysis.Laws;

/// <summary>The functional form of a scaling law: what the constants mean and which third input it takes.</summary>
public enum LawFamily
{
    /// <summary>
    /// Chen et al. 2025, quantization-aware training: delta(N, D, G) = k · D^gD · (log2 G)^gG / N^gN, where delta is
    /// the QAT run's loss minus its BF16 twin's (nats/token), N parameters, D training tokens and G the group size.
    /// </summary>
    ChenQat,

    /// <summary>
    /// Kumar et al. 2024, post-training quantization: delta(N, D, P) = C_T · D^gD / N^gN · exp(-P / g_post), where P is
    /// the post-training precision in bits.
    /// </summary>
    KumarPtq,
}
