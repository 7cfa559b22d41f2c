namespace QuantScope.Engine.Evaluation;

/// <summary>
/// One multiple-choice task scored item by item (<see cref="Evaluator.ScoreItems"/>): whether <c>acc</c> (highest
/// log-likelihood) and <c>acc_norm</c> (highest per byte) picked gold, in the task's item order.
/// </summary>
/// <param name="Name">Task name.</param>
/// <param name="Correct">Per item: the <c>acc</c> choice was gold.</param>
/// <param name="CorrectNorm">Per item: the <c>acc_norm</c> choice was gold.</param>
public sealed record ItemResults(string Name, IReadOnlyList<bool> Correct, IReadOnlyList<bool> CorrectNorm)
{
    /// <summary>The task's accuracies (fractions of the items).</summary>
    public TaskScore ToScore()
    {
        var n = Correct.Count;
        return new TaskScore(Name, (double)Correct.Count(c => c) / n, (double)CorrectNorm.Count(c => c) / n, n);
    }

    /// <summary>
    /// The discordant items of a paired comparison on <c>acc</c> against <paramref name="twin"/> (the same task scored by
    /// another model): items only the twin got right, and items only this model got right. Their difference is the
    /// drop in items; their sum is what its paired (McNemar) standard error rests on.
    /// </summary>
    /// <exception cref="ArgumentException">The twin scored a different number of items.</exception>
    public (int TwinOnly, int RunOnly) Discordant(ItemResults twin)
    {
        if (twin.Correct.Count != Correct.Count)
            throw new ArgumentException($"Task {Name}: the twin scored {twin.Correct.Count} items, this model {Correct.Count}.", nameof(twin));
        int twinOnly = 0, runOnly = 0;
        for (var i = 0; i < Correct.Count; i++)
        {
            if (twin.Correct[i] && !Correct[i]) twinOnly++;
            else if (Correct[i] && !twin.Correct[i]) runOnly++;
        }

        return (twinOnly, runOnly);
    }
}
