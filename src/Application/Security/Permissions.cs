namespace EvaraTech.Application.Security;

/// <summary>
/// The permission catalogue and what each role is granted (the nodes, telemetry, alerts and users permissions, extended
/// with the tenant management and audit permissions the later modules need). <c>namespace:all</c> grants every permission of that namespace.
/// </summary>
public static class Permissions
{
    public const string NodesRead = "nodes:read";
    public const string NodesWrite = "nodes:write";
    public const string NodesDelete = "nodes:delete";
    public const string UsersRead = "users:read";
    public const string UsersWrite = "users:write";
    public const string UsersDelete = "users:delete";
    public const string TelemetryRead = "telemetry:read";
    public const string TelemetryWrite = "telemetry:write";
    public const string AlertsRead = "alerts:read";
    public const string AlertsWrite = "alerts:write";
    public const string AlertsDelete = "alerts:delete";
    public const string TenantsRead = "tenants:read";
    public const string TenantsWrite = "tenants:write";
    public const string TenantsDelete = "tenants:delete";
    public const string AuditRead = "audit:read";
    public const string AdminAll = "admin:all";

    public static readonly IReadOnlyDictionary<Role, IReadOnlySet<string>> Granted = new Dictionary<Role, IReadOnlySet<string>>
    {
        [Role.Superadmin] = new HashSet<string>(StringComparer.Ordinal)
        {
            NodesRead, NodesWrite, NodesDelete, UsersRead, UsersWrite, UsersDelete, TelemetryRead, TelemetryWrite,
            AlertsRead, AlertsWrite, AlertsDelete, TenantsRead, TenantsWrite, TenantsDelete, AuditRead, AdminAll,
        },
        [Role.Distributor] = new HashSet<string>(StringComparer.Ordinal)
        {
            NodesRead, NodesWrite, TelemetryRead, AlertsRead, AlertsWrite, UsersRead, TenantsRead, TenantsWrite, AuditRead,
        },
        [Role.Customer] = new HashSet<string>(StringComparer.Ordinal)
        {
            NodesRead, TelemetryRead, AlertsRead, TenantsRead,
        },
    };

    public static bool Has(Role role, string permission)
    {
        var granted = Granted[role];
        if (granted.Contains(permission))
        {
            return true;
        }

        var separator = permission.IndexOf(':', StringComparison.Ordinal);
        return separator > 0 && granted.Contains(string.Concat(permission.AsSpan(0, separator), ":all"));
    }
}
