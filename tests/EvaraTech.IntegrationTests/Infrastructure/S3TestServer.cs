namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// Starts tests/s3-server/server.mjs: a real S3-protocol server (s3rver) on a free loopback port, keeping its objects
/// in a folder of its own, with one bucket. Any S3 client signs and talks to it as to any S3-compatible store.
/// </summary>
public sealed class S3TestServer : IAsyncDisposable
{
    public const string Bucket = "evaratech-archive";

    /// <summary>s3rver's fixed development credentials.</summary>
    public const string AccessKey = "S3RVER";

    public const string SecretKey = "S3RVER";

    private readonly NodeTestTool _server;

    private S3TestServer(NodeTestTool server, string directory)
    {
        _server = server;
        Directory = directory;
    }

    public string ServiceUrl => $"http://127.0.0.1:{_server.Port}";

    /// <summary>Where the server keeps its objects.</summary>
    public string Directory { get; }

    /// <summary>The platform's settings for archiving into this server.</summary>
    public IReadOnlyDictionary<string, string?> ArchiveSettings => new Dictionary<string, string?>
    {
        ["Archive:Store"] = "s3",
        ["Archive:S3:ServiceUrl"] = ServiceUrl,
        ["Archive:S3:Bucket"] = Bucket,
        ["Archive:S3:AccessKey"] = AccessKey,
        ["Archive:S3:SecretKey"] = SecretKey,
    };

    public static async Task<S3TestServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "evaratech-s3", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var server = await NodeTestTool.StartAsync("s3-server", "S3 server", new Dictionary<string, string>
        {
            ["S3_PORT"] = "0",
            ["S3_DIR"] = directory,
            ["S3_BUCKET"] = Bucket,
        });
        return new S3TestServer(server, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
