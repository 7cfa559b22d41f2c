using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace QuantScope.Data;

/// <summary>Table <c>scalar_points</c>, PK (run_id, metric, step): a series read is one range scan of the key.</summary>
internal sealed class ScalarPointEntityConfiguration : IEntityTypeConfiguration<ScalarPointEntity>
{
    public void Configure(EntityTypeBuilder<ScalarPointEntity> builder)
    {
        builder.ToTable("scalar_points", t => t.HasCheckConstraint("ck_scalar_points_step", "step >= 0"));
        builder.HasKey(p => new { p.RunId, p.Metric, p.Step });
        builder.Property(p => p.RunId).HasColumnName("run_id").HasConversion(DbValues.GuidAsText);
        builder.Property(p => p.Metric).HasColumnName("metric");
        builder.Property(p => p.Step).HasColumnName("step");
        builder.Property(p => p.Value).HasColumnName("value");
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(p => p.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
