using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Reporting.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Tenancy.Contracts;

namespace EvaraTech.ArchitectureTests;

/// <summary>
/// Which module may use which published contract (its own module always may). A new contract, or a new consumer of
/// one, is a decision: it is written here, or the architecture tests fail.
/// </summary>
internal static class ContractConsumers
{
    private const string Alerts = "Alerts";
    private const string Audit = "Audit";
    private const string Nodes = "Nodes";
    private const string Realtime = "Realtime";
    private const string Reporting = "Reporting";
    private const string Telemetry = "Telemetry";
    private const string Tenancy = "Tenancy";

    public static readonly IReadOnlyDictionary<Type, string[]> Declared = new Dictionary<Type, string[]>
    {
        // Nodes: scoped look-ups for queries and subscriptions; unscoped entries for the platform's own work.
        [typeof(INodeLookup)] = [Telemetry, Alerts, Realtime],
        [typeof(NodeReference)] = [Telemetry, Alerts, Realtime],
        [typeof(NodeName)] = [Telemetry, Alerts, Realtime],
        [typeof(INodeAudiences)] = [Alerts, Realtime],
        [typeof(NodeAudience)] = [Alerts, Realtime],
        [typeof(INodeIngestionSources)] = [Telemetry],
        [typeof(IngestionSource)] = [Telemetry],
        [typeof(SourceField)] = [Telemetry],
        [typeof(FieldMappingDraft)] = [Telemetry],
        [typeof(MetricCalibration)] = [Telemetry],
        [typeof(PolledChannel)] = [Telemetry],
        [typeof(INodeTelemetryState)] = [Telemetry],
        [typeof(INodeAlertTargets)] = [Alerts],
        [typeof(AlertTarget)] = [Alerts],
        [typeof(INodeAlertState)] = [Alerts],
        [typeof(INodeOwners)] = [Tenancy],
        [typeof(NodeStatusChanged)] = [Alerts, Reporting, Realtime],

        // Tenancy: where tenants sit and who is told; authentication facts for the audit trail.
        [typeof(ITenantDirectory)] = [Nodes, Alerts, Realtime],
        [typeof(Recipient)] = [Alerts, Realtime],
        [typeof(UserLoggedIn)] = [Audit],
        [typeof(LoginFailed)] = [Audit],
        [typeof(IdentityWebhookReceived)] = [Audit],
        [typeof(TokensRefused)] = [Audit],

        // Telemetry: the readings a batch stored, for rule evaluation and live values; the health score's alert input.
        [typeof(ITelemetryBatchReader)] = [Alerts, Realtime],
        [typeof(IOpenAlertCounts)] = [Alerts],
        [typeof(StoredReading)] = [Alerts, Realtime],
        [typeof(TimedValue)] = [Alerts],
        [typeof(TelemetryBatchRecorded)] = [Alerts, Realtime],

        // Alerts: an alert's life, for the dashboard and live views.
        [typeof(AlertRaised)] = [Reporting, Realtime],
        [typeof(AlertResolved)] = [Reporting, Realtime],
        [typeof(AlertAcknowledged)] = [Realtime],

        // Reporting: the dashboard's figures changed.
        [typeof(DashboardStatsRefreshed)] = [Realtime],
    };
}
