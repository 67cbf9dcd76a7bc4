namespace EvaraTech.TestSupport;

/// <summary>The checkout this assembly was built in: its scripts and build outputs.</summary>
public static class Checkout
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "EvaraTech.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException($"No EvaraTech.sln above {AppContext.BaseDirectory}.");
    }
}
