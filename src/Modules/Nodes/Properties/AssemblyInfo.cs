using System.Runtime.CompilerServices;

// The query-plan tests and the benchmarks run the module's exact statements (NodeReads.Map, NodesNearby.Nearby,
// NodeStore.Scoped/Parameters), which stay internal to the module.
[assembly: InternalsVisibleTo("EvaraTech.IntegrationTests")]
[assembly: InternalsVisibleTo("EvaraTech.Benchmarks")]
