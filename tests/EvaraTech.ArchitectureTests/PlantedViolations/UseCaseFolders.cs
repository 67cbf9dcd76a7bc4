using Mediator;

// Deliberately wrong: two use cases sharing one folder. Only the rule self-tests look at this namespace; it proves
// the use-case folder rule can fail.
namespace EvaraTech.Modules.Alerts.PlantedViolation.Application.Crowded;

internal sealed record FirstOfTwoQuery : IQuery<int>;

internal sealed record SecondOfTwoQuery : IQuery<int>;
