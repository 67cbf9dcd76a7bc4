using System.Text;
using EvaraTech.Application.Errors;
using Microsoft.AspNetCore.Http;

namespace EvaraTech.Infrastructure.Http;

/// <summary>
/// Reads a raw request body with a hard size limit, whatever the server in front enforces: a declared or
/// actual length over the limit is a 413 before anything is processed.
/// </summary>
public static class RequestBodies
{
    public static async Task<string> ReadTextAsync(HttpContext context, long limit, CancellationToken ct)
    {
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static AppException TooLarge(long limit) =>
        new(ErrorKind.PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"The request body is larger than {limit / 1024} KiB.");
}
