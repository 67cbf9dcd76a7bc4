using System.Runtime.CompilerServices;

// The plan tests explain the module's exact statements.
[assembly: InternalsVisibleTo("EvaraTech.IntegrationTests")]
