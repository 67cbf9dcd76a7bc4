using EvaraTech.Simulator;

var app = SimulatorHost.Build(args);

// The one line scripts wait for before they point a poller here.
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"SIMULATOR READY {app.Urls.FirstOrDefault()}"));

await app.RunAsync();
