using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>Channel keys protected as the test hosts protect them (outside Production the development secret).</summary>
public static class TestChannelKeys
{
    public static readonly ChannelKeyProtection Protection = new(ChannelKeyOptions.DevelopmentSecret);
}
