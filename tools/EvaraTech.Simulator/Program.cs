namespace EvaraTech.Simulator;

// A named Main rather than top-level statements: .NET 10 makes a top-level Program public, which would clash with
// the API's Program in the integration tests that reference both hosts. Tests use SimulatorHost.Build instead.
internal static class Program
{
    public static async Task Main(string[] args)
    {
        var app = SimulatorHost.Build(args);

        // The one line scripts wait for before they point a poller here.
        app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"SIMULATOR READY {app.Urls.FirstOrDefault()}"));

        await app.RunAsync();
    }
}
