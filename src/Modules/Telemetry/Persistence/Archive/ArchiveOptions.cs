namespace EvaraTech.Modules.Telemetry.Persistence.Archive;

/// <summary>
/// Where archived telemetry goes (<c>Archive</c> section): a local directory (the default) or any S3-compatible store,
/// and how long a silent node keeps its raw readings in PostgreSQL.
/// </summary>
public sealed class ArchiveOptions
{
    public const string Section = "Archive";

    /// <summary><c>local</c> or <c>s3</c>.</summary>
    public string Store { get; set; } = "local";

    /// <summary>The local store's root; by default the user's data folder (<c>~/.local/share/evaratech/archive</c>), never the build output.</summary>
    public string Directory { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "evaratech", "archive");

    public S3ArchiveOptions S3 { get; set; } = new();

    /// <summary>A node with no reading for this long has its raw readings archived and dropped early; its rollups stay.</summary>
    public TimeSpan SilentNodeDropAfter { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>An S3-compatible store: AWS by region, or any other by <see cref="ServiceUrl"/> (MinIO, Ceph, Garage…).</summary>
public sealed class S3ArchiveOptions
{
    public string? ServiceUrl { get; set; }

    public string Bucket { get; set; } = "evaratech-archive";

    public string Region { get; set; } = "us-east-1";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Bucket in the path rather than the host name: what most self-hosted stores expect.</summary>
    public bool ForcePathStyle { get; set; } = true;
}
