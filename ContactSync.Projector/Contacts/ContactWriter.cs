using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Projector.Contacts;

/// <summary>
/// Writes a batch's contact rows: one DELETE of the batch's ids, then binary COPY of their new rows, in the batch's
/// transaction (readers see the old rows or the new ones). Replaying the log writes about one row per event, so this
/// is the projection's hot path: no JSON for the plain columns, each state serialised once, no staging pass.
/// </summary>
internal static class ContactWriter
{
    private const string Columns =
        "contact_id, tenant_id, owner_id, follower_ids, visibility, tags, company, display_name, search, deleted, version, created_at, updated_at, state";

    public static async Task ReplaceAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table,
        IReadOnlyCollection<Contact> contacts, CancellationToken ct)
    {
        if (contacts.Count == 0) return;
        Contact[] rows = [.. contacts];
        // The CPU part of the batch (state JSON, search text) runs on every core while the database waits.
        var derived = new (string? DisplayName, string Search, string State)[rows.Length];
        Parallel.For(0, rows.Length, i => derived[i] = (
            ContactColumns.DisplayNameOf(rows[i].Fields.Name), ContactColumns.SearchText(rows[i]),
            JsonSerializer.Serialize(rows[i], DomainJson.Options)));
        await using (var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE contact_id = ANY($1)", conn, tx))
        {
            delete.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. rows.Select(c => c.Id)] });
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using (var copy = await conn.BeginBinaryImportAsync($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (c, d) in rows.Zip(derived))
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(c.TenantId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(c.OwnerId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(c.FollowerIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(c.Visibility.ToName(), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(c.Tags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await WriteNullableAsync(copy, c.Fields.Company, ct);
                await WriteNullableAsync(copy, d.DisplayName, ct);
                await copy.WriteAsync(d.Search, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(c.Deleted, NpgsqlDbType.Boolean, ct);
                await copy.WriteAsync(c.Version, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(ToMicroseconds(c.CreatedAt), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(ToMicroseconds(c.UpdatedAt), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(d.State, NpgsqlDbType.Jsonb, ct);
            }
            await copy.CompleteAsync(ct);
        }
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct)
    {
        if (value is null) await copy.WriteNullAsync(ct);
        else await copy.WriteAsync(value, NpgsqlDbType.Text, ct);
    }

    /// <summary>
    /// timestamptz keeps microseconds: round the 100 ns ticks the way PostgreSQL rounds a parsed fraction (to
    /// nearest), so a row reads the same as one written from its ISO text.
    /// </summary>
    private static DateTime ToMicroseconds(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        var rest = ticks % 10;
        ticks -= rest;
        if (rest > 5 || (rest == 5 && ticks / 10 % 2 == 1)) ticks += 10;
        return new DateTime(ticks, DateTimeKind.Utc);
    }
}
