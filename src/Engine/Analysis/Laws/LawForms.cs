namespace QuantScope.Engine.Analysis.Laws;

/// <summary>Family -> its math.</summary>
internal static class LawForms
{
    public static ILawForm Of(LawFamily family) => family switch
    {
        LawFamily.ChenQat => ChenQatForm.Instance,
        LawFamily.KumarPtq => KumarPtqForm.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown law family"),
    };
}
