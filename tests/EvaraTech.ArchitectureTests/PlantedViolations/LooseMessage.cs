using Mediator;

// Deliberately wrong: a message in no use-case folder. Only the rule self-tests look at this namespace.
namespace EvaraTech.Modules.Alerts.PlantedViolation;

internal sealed record LooseQuery : IQuery<int>;
