using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace QuantScope.Data.Series;

/// <summary>
/// Table <c>scalar_points</c>, PK (series_id, step), created WITHOUT ROWID by the migration (EF cannot say so): a
/// series read is one range scan of the key.
/// </summary>
internal sealed class ScalarPointEntityConfiguration : IEntityTypeConfiguration<ScalarPointEntity>
{
    public void Configure(EntityTypeBuilder<ScalarPointEntity> builder)
    {
        builder.ToTable("scalar_points", t => t.HasCheckConstraint("ck_scalar_points_step", "step >= 0"));
        builder.HasKey(p => new { p.SeriesId, p.Step });
        builder.Property(p => p.SeriesId).HasColumnName("series_id");
        builder.Property(p => p.Step).HasColumnName("step");
        builder.Property(p => p.Value).HasColumnName("value");
        builder.HasOne<SeriesEntity>().WithMany().HasForeignKey(p => p.SeriesId).OnDelete(DeleteBehavior.Cascade);
    }
}
