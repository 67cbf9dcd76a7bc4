using System.Runtime.CompilerServices;

// The query-plan tests and the benchmarks run the module's exact statements (NodeList.Build, NodeReads.MapQuery,
// NodesNearby.Query), which stay internal to the module.
[assembly: InternalsVisibleTo("EvaraTech.IntegrationTests")]
[assembly: InternalsVisibleTo("EvaraTech.Benchmarks")]
