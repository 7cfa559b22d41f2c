using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace QuantScope.Data.Series;

/// <summary>
/// Table <c>layer_points</c>, PK (series_id, step), created WITHOUT ROWID by the migration (EF cannot say so): the
/// rows live in the key's b-tree, stored once, and a heatmap is one range scan of it.
/// </summary>
internal sealed class LayerPointEntityConfiguration : IEntityTypeConfiguration<LayerPointEntity>
{
    public void Configure(EntityTypeBuilder<LayerPointEntity> builder)
    {
        builder.ToTable("layer_points", t => t.HasCheckConstraint("ck_layer_points_step", "step >= 0"));
        builder.HasKey(p => new { p.SeriesId, p.Step });
        builder.Property(p => p.SeriesId).HasColumnName("series_id");
        builder.Property(p => p.Step).HasColumnName("step");
        builder.Property(p => p.Values).HasColumnName("values").IsRequired();
        builder.HasOne<SeriesEntity>().WithMany().HasForeignKey(p => p.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}
