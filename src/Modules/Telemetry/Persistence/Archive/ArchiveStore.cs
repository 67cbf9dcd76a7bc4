using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace EvaraTech.Modules.Telemetry.Persistence.Archive;

/// <summary>
/// Where archive objects live. A put replaces the object whole or not at all, so re-archiving a week after a crash
/// leaves either the old object or the new one, never a torn one. Objects are one node's week: small enough to hold.
/// </summary>
public interface IArchiveStore
{
    Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken);

    /// <returns>the object, or null when there is none under <paramref name="key"/></returns>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes the object (a version the manifest no longer points at); none there is no error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>A directory tree: written to a temporary file, flushed to disk, then renamed over the object.</summary>
public sealed class LocalDirectoryArchiveStore(string root) : IArchiveStore
{
    public async Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        {
            await file.WriteAsync(content, cancellationToken);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <summary>Keys are built by the archive (dataset, date, node id): a key that would leave the root is a defect.</summary>
    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(root, key));
        return path.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"Archive key '{key}' leaves the archive's directory.", nameof(key));
    }
}

/// <summary>Any S3-compatible store through the AWS SDK; checksums only where the protocol requires them, which every such store accepts.</summary>
public sealed class S3ArchiveStore : IArchiveStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;

    public S3ArchiveStore(S3ArchiveOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
        }

        _client = options.AccessKey is { Length: > 0 }
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
        _bucket = options.Bucket;
    }

    public async Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(content, writable: false);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = body,
            ContentType = contentType,
            UseChunkEncoding = false,
        }, cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(_bucket, key, cancellationToken);
            using var content = new MemoryStream();
            await response.ResponseStream.CopyToAsync(content, cancellationToken);
            return content.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => _client.DeleteObjectAsync(_bucket, key, cancellationToken);

    public void Dispose() => _client.Dispose();
}
