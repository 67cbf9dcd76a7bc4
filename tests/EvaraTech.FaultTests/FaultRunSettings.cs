namespace EvaraTech.FaultTests;

/// <summary>
/// How long and how wide one fault run is: the short one runs inside <c>./build.sh test</c>, the full one is
/// <c>./build.sh faults</c> (<c>EVARA_FAULTS=full</c>).
/// </summary>
/// <param name="PushNodes">tanks that push readings through <c>/update</c>, one every <see cref="PushEvery"/> each</param>
/// <param name="PolledNodes">nodes polled from the simulator's channels</param>
public sealed record FaultRunSettings(
    string Name, TimeSpan Steady, TimeSpan RedisDown, TimeSpan SimulatorStall, TimeSpan PoolFilled, int PushNodes, TimeSpan PushEvery, int PolledNodes)
{
    public static readonly FaultRunSettings Short = new("short", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15),
        TimeSpan.FromSeconds(10), PushNodes: 16, TimeSpan.FromMilliseconds(250), PolledNodes: 30);

    // Longer faults and more nodes, at a load two instances keep up with on two shared cores (60 devices every 200 ms
    // outran their event dispatch there: the backlog grew by a hundred events a second).
    public static readonly FaultRunSettings Full = new("full", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45),
        TimeSpan.FromSeconds(30), PushNodes: 24, TimeSpan.FromMilliseconds(250), PolledNodes: 300);

    public static FaultRunSettings FromEnvironment() => Environment.GetEnvironmentVariable("EVARA_FAULTS") == "full" ? Full : Short;
}
