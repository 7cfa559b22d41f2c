using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace QuantScope.Data;

/// <summary>Table <c>layer_points</c>, PK (run_id, metric, role, step): a heatmap is one range scan of the key.</summary>
internal sealed class LayerPointEntityConfiguration : IEntityTypeConfiguration<LayerPointEntity>
{
    public void Configure(EntityTypeBuilder<LayerPointEntity> builder)
    {
        builder.ToTable("layer_points", t => t.HasCheckConstraint("ck_layer_points_step", "step >= 0"));
        builder.HasKey(p => new { p.RunId, p.Metric, p.Role, p.Step });
        builder.Property(p => p.RunId).HasColumnName("run_id").HasConversion(DbValues.GuidAsText);
        builder.Property(p => p.Metric).HasColumnName("metric");
        builder.Property(p => p.Role).HasColumnName("role");
        builder.Property(p => p.Step).HasColumnName("step");
        builder.Property(p => p.Values).HasColumnName("values").IsRequired();
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
