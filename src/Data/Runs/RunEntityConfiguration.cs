using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using QuantScope.Data.Sqlite;

namespace QuantScope.Data.Runs;

/// <summary>Table <c>runs</c>. Column names are snake_case because the series writer updates <c>last_step</c> in raw SQL.</summary>
internal sealed class RunEntityConfiguration : IEntityTypeConfiguration<RunEntity>
{
    public void Configure(EntityTypeBuilder<RunEntity> builder)
    {
        builder.ToTable("runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasColumnName("id").HasConversion(DbValues.GuidAsText);
        builder.Property(r => r.Name).HasColumnName("name").IsRequired();
        builder.Property(r => r.Kind).HasColumnName("kind").IsRequired();
        builder.Property(r => r.Status).HasColumnName("status").HasConversion<string>().IsRequired();
        builder.Property(r => r.ConfigJson).HasColumnName("config_json").IsRequired();
        builder.Property(r => r.LayersJson).HasColumnName("layers_json").IsRequired();
        builder.Property(r => r.PlanJson).HasColumnName("plan_json").IsRequired().HasDefaultValue("{}");
        builder.Property(r => r.SummaryJson).HasColumnName("summary_json");
        builder.Property(r => r.TagsJson).HasColumnName("tags_json").IsRequired().HasDefaultValue("[]");
        builder.Property(r => r.Notes).HasColumnName("notes").IsRequired().HasDefaultValue("");
        builder.Property(r => r.CreatedAt).HasColumnName("created_at").HasConversion(DbValues.Utc);
        builder.Property(r => r.StartedAt).HasColumnName("started_at").HasConversion(DbValues.NullableUtc);
        builder.Property(r => r.EndedAt).HasColumnName("ended_at").HasConversion(DbValues.NullableUtc);
        builder.Property(r => r.Error).HasColumnName("error");
        builder.Property(r => r.LastStep).HasColumnName("last_step");
        // The run list is read newest first.
        builder.HasIndex(r => r.CreatedAt).HasDatabaseName("ix_runs_created_at");
    }
}
