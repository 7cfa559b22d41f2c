using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QuantScope.Data.Runs;
using QuantScope.Data.Sqlite;

namespace QuantScope.Data.Series;

/// <summary>
/// Table <c>series</c>: one row per (run, kind, metric, role), unique. The unique index doubles as the lookup the
/// writer and readers make by name, and as the index behind the foreign key to <c>runs</c> (cascade on delete).
/// </summary>
internal sealed class SeriesEntityConfiguration : IEntityTypeConfiguration<SeriesEntity>
{
    public void Configure(EntityTypeBuilder<SeriesEntity> builder)
    {
        builder.ToTable("series", t => t.HasCheckConstraint("ck_series_kind", "kind IN ('scalar', 'layer')"));
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasColumnName("id");
        builder.Property(s => s.RunId).HasColumnName("run_id").HasConversion(DbValues.GuidAsText);
        builder.Property(s => s.Kind).HasColumnName("kind").IsRequired();
        builder.Property(s => s.Metric).HasColumnName("metric").IsRequired();
        builder.Property(s => s.Role).HasColumnName("role").IsRequired();
        builder.HasIndex(s => new { s.RunId, s.Kind, s.Metric, s.Role }).IsUnique().HasDatabaseName("ux_series_name");
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}
