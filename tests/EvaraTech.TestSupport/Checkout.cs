namespace EvaraTech.TestSupport;

/// <summary>The checkout the tests were built in: its sources, scripts and build outputs (the folder holding EvaraTech.sln).</summary>
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
