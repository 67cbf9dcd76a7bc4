using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Infrastructure.Demo;

/// <summary>The one switch of every module's demo data: <c>Demo:Seed</c> (on in the embedded default).</summary>
public static class DemoSeeding
{
    public const string Setting = "Demo:Seed";

    /// <summary>Whether to seed; on in Production it is refused, because the demo users and devices have published credentials.</summary>
    public static bool IsWanted(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!configuration.GetValue<bool>(Setting))
        {
            return false;
        }

        return environment.IsProduction()
            ? throw new InvalidOperationException($"{Setting} must be off in Production: the demo users and devices have published credentials.")
            : true;
    }
}
