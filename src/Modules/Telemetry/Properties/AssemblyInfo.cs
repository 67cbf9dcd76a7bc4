using System.Runtime.CompilerServices;

// The conformance, refresh and plan tests and the benchmarks run the module's exact writer and statements.
[assembly: InternalsVisibleTo("EvaraTech.IntegrationTests")]
[assembly: InternalsVisibleTo("EvaraTech.UnitTests")]
[assembly: InternalsVisibleTo("EvaraTech.Benchmarks")]
