using EvaraTech.Modules.Nodes.Contracts;

// Deliberately wrong: a type posing as part of the Reporting module that uses a contract the Nodes module publishes
// to Telemetry alone. Only the rule self-tests look at this namespace; it proves the contract rule can fail.
namespace EvaraTech.Modules.Reporting.PlantedViolation;

internal sealed class ReportingTypePollingChannels(INodeIngestionSources sources)
{
    public INodeIngestionSources Sources { get; } = sources;
}
