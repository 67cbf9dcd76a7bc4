using EvaraTech.Application.Auditing;

namespace EvaraTech.UnitTests.Application;

public sealed class AuditMetadataTests
{
    [Test]
    public void Secrets_are_redacted_at_every_depth()
    {
        var state = AuditMetadata.State(new
        {
            Email = "a@b.c",
            Password = "hunter2-hunter2",
            Channel = new { ChannelId = 42, ReadKey = "RK123", write_key = "WK456" },
            Hooks = new[] { new { Url = "https://x", Secret = "whsec_abc" } },
        });

        var text = state.ToJsonString();
        Assert.Multiple(() =>
        {
            foreach (var secret in new[] { "hunter2-hunter2", "RK123", "WK456", "whsec_abc" })
            {
                Assert.That(text, Does.Not.Contain(secret));
            }

            Assert.That(text, Does.Contain("a@b.c").And.Contain("42").And.Contain(AuditMetadata.Redacted));
        });
    }

    [Test]
    public void Changes_list_only_what_changed_without_bookkeeping()
    {
        var changes = AuditMetadata.Changes(new { Name = "A", Slug = "s", Version = 1 }, new { Name = "B", Slug = "s", Version = 2 });

        Assert.That(changes.ToJsonString(), Is.EqualTo("""{"name":{"from":"A","to":"B"}}"""));
    }

    [TestCase("nodeKey", false)]
    [TestCase("writeKey", true)]
    [TestCase("password_hash", true)]
    [TestCase("accessToken", true)]
    [TestCase("displayName", false)]
    public void Secret_names_are_recognised(string name, bool secret) => Assert.That(AuditMetadata.IsSecretName(name), Is.EqualTo(secret));
}
