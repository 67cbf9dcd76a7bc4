using System.Text.Json;
using System.Text.Json.Nodes;

namespace EvaraTech.Application.Auditing;

/// <summary>
/// Builds audit metadata from objects: the difference between before and after for updates, the state for creates
/// and deletes. Secrets never get in: any property whose name says it is one is replaced, at every depth.
/// </summary>
public static class AuditMetadata
{
    public const string Redacted = "[redacted]";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] SecretNames = ["password", "secret", "token", "apikey", "readkey", "writekey", "privatekey", "hash", "signature"];

    /// <summary>Bookkeeping that changes on every write and says nothing about what changed.</summary>
    private static readonly HashSet<string> Noise = new(StringComparer.OrdinalIgnoreCase) { "version", "updatedAt" };

    /// <summary>What a command's audit row records: the state it created or deleted, or what it changed.</summary>
    /// <param name="command">recorded itself when there is no state to show</param>
    public static JsonObject For(AuditAction action, object? before, object? after, object command) => action switch
    {
        AuditAction.Create => new JsonObject { ["created"] = State(after ?? command) },
        AuditAction.Delete => new JsonObject { ["deleted"] = State(before ?? command) },
        _ => before is not null && after is not null
            ? new JsonObject { ["changes"] = Changes(before, after) }
            : new JsonObject { ["command"] = State(command) },
    };

    public static JsonObject State(object? value) => Sanitize(JsonSerializer.SerializeToNode(value, Json) as JsonObject ?? []);

    public static JsonObject Changes(object before, object after)
    {
        var from = State(before);
        var to = State(after);
        var changes = new JsonObject();
        foreach (var (name, newValue) in to)
        {
            if (Noise.Contains(name))
            {
                continue;
            }

            var oldValue = from[name];
            if (!JsonNode.DeepEquals(oldValue, newValue))
            {
                changes[name] = new JsonObject { ["from"] = oldValue?.DeepClone(), ["to"] = newValue?.DeepClone() };
            }
        }

        return changes;
    }

    public static bool IsSecretName(string name) =>
        SecretNames.Any(secret => name.Replace("_", "", StringComparison.Ordinal).Contains(secret, StringComparison.OrdinalIgnoreCase));

    private static JsonObject Sanitize(JsonObject node)
    {
        foreach (var name in node.Select(p => p.Key).ToList())
        {
            if (IsSecretName(name))
            {
                node[name] = Redacted;
            }
            else if (node[name] is JsonObject child)
            {
                Sanitize(child);
            }
            else if (node[name] is JsonArray array)
            {
                foreach (var item in array.OfType<JsonObject>())
                {
                    Sanitize(item);
                }
            }
        }

        return node;
    }
}
