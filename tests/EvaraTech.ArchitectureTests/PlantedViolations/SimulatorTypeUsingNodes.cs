using EvaraTech.Modules.Nodes.Domain;

// Deliberately wrong: a type posing as part of the ThingSpeak simulator that sizes its signal with the Nodes module's
// tank configuration. Only the rule self-tests look at this namespace; it proves the outside-the-platform rule can fail.
namespace EvaraTech.Simulator.PlantedViolation;

internal sealed class SimulatorTypeUsingNodes(TankConfig tank)
{
    public TankConfig Tank { get; } = tank;
}
