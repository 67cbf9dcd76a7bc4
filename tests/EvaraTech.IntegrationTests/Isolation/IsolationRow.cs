namespace EvaraTech.IntegrationTests.Isolation;

/// <summary>
/// One cell of the tenant-isolation matrix: <paramref name="Actor"/> sends <paramref name="Method"/> to
/// <paramref name="Path"/> (with <c>{target}</c> replaced by the named resource of the <see cref="Infrastructure.TenantWorld"/>)
/// and must get <paramref name="Expected"/>. Out-of-scope resources answer 404, never 403, so existence never leaks.
/// </summary>
public sealed record IsolationRow(string Actor, string Method, string Path, string Target, int Expected, object? Body = null)
{
    public override string ToString() => $"{Actor} {Method} {Path.Replace("{target}", Target, StringComparison.Ordinal)} → {Expected}";
}
