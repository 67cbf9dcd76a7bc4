using System.Data;
using EvaraTech.Infrastructure.Migrations;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>
/// Converts the channel keys stored in plain text before keys were protected: each write key to its keyed hash,
/// each read key to its sealed form, then drops the plain columns, in one transaction (DbUp runs a code script's
/// own commands in a transaction of their own, before the journal's). Instances of the previous release write the
/// plain columns: stop them before this migration runs (no rolling update across it).
/// </summary>
public sealed class SealChannelKeys(ChannelKeyProtection protection) : ICodeMigration
{
    public string Name => "0020_seal_channel_keys";

    public string Run(Func<IDbCommand> command)
    {
        // Sealing and dropping commit together; a run cut short before its journal entry finds nothing left to do.
        using (var exists = command())
        {
            exists.CommandText = """
                SELECT count(*) FROM information_schema.columns
                WHERE table_schema = 'nodes' AND table_name = 'thingspeak_channels' AND column_name IN ('read_key', 'write_key')
                """;
            if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return "SELECT 1;";
            }
        }

        var plain = new List<(Guid NodeId, string? ReadKey, string? WriteKey)>();
        using (var select = command())
        {
            select.CommandText = "SELECT node_id, read_key, write_key FROM nodes.thingspeak_channels WHERE read_key IS NOT NULL OR write_key IS NOT NULL";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                plain.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        foreach (var (nodeId, readKey, writeKey) in plain)
        {
            using var update = command();
            update.CommandText = """
                UPDATE nodes.thingspeak_channels
                SET read_key_sealed = @sealed, read_key_hint = @readHint, write_key_hash = @hash, write_key_hint = @writeHint
                WHERE node_id = @node
                """;
            Add(update, "node", nodeId);
            Add(update, "sealed", readKey is null ? null : protection.SealReadKey(readKey));
            Add(update, "readHint", readKey is null ? null : ChannelKeyProtection.Hint(readKey));
            Add(update, "hash", writeKey is null ? null : protection.HashWriteKey(writeKey));
            Add(update, "writeHint", writeKey is null ? null : ChannelKeyProtection.Hint(writeKey));
            update.ExecuteNonQuery();
        }

        using (var drop = command())
        {
            drop.CommandText = "ALTER TABLE nodes.thingspeak_channels DROP COLUMN read_key, DROP COLUMN write_key";
            drop.ExecuteNonQuery();
        }

        return "SELECT 1;";
    }

    private static void Add(IDbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (value is null)
        {
            // An untyped null is fine for PostgreSQL except where it cannot infer the type: say bytea or text.
            parameter.DbType = name == "hash" ? DbType.Binary : DbType.String;
        }

        command.Parameters.Add(parameter);
    }
}
