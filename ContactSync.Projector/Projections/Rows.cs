using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Projector.Projections;

/// <summary>
/// Set-based reads and writes of read-model rows: one statement loads every touched row (as JSON), one writes them
/// all back (<c>jsonb_populate_recordset</c>, so array and jsonb columns need no per-column plumbing). Row records
/// map to columns by snake_case property names.
/// </summary>
internal static class Rows
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static readonly ConcurrentDictionary<Type, string[]> ColumnsByType = new();

    public static async Task<List<T>> LoadAsync<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string table, string key,
        IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var rows = new List<T>(ids.Count);
        if (ids.Count == 0) return rows;
        await using var cmd = new NpgsqlCommand($"SELECT to_jsonb(t)::text FROM {table} t WHERE {key} = ANY($1)", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        foreach (var json in await ReadStringsAsync(cmd, ct))
            rows.Add(JsonSerializer.Deserialize<T>(json, Options)!);
        return rows;
    }

    /// <summary>
    /// Reads the first column of every row and closes the reader before anything is parsed, so that a parse error
    /// never leaves a command in progress on the batch's connection (the transaction must still roll back cleanly).
    /// </summary>
    public static async Task<List<string>> ReadStringsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var values = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) values.Add(r.GetString(0));
        return values;
    }

    /// <summary>Inserts or replaces rows by their key columns.</summary>
    public static async Task UpsertAsync<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string table, string key,
        IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var columns = Columns<T>();
        var keys = key.Split(',', StringSplitOptions.TrimEntries);
        var rest = columns.Where(c => !keys.Contains(c)).ToArray();
        var onConflict = rest.Length == 0
            ? "DO NOTHING"
            : $"DO UPDATE SET ({string.Join(", ", rest)}) = ROW({string.Join(", ", rest.Select(c => "excluded." + c))})";
        await ExecuteJsonAsync(conn, tx, $"""
            INSERT INTO {table} ({string.Join(", ", columns)})
            SELECT {string.Join(", ", columns)} FROM jsonb_populate_recordset(null::{table}, $1)
            ON CONFLICT ({key}) {onConflict}
            """, rows, ct);
    }

    /// <summary>Inserts rows, keeping any that exist (replays of an idempotent insert).</summary>
    public static async Task InsertAsync<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string table,
        IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var columns = string.Join(", ", Columns<T>());
        await ExecuteJsonAsync(conn, tx, $"""
            INSERT INTO {table} ({columns})
            SELECT {columns} FROM jsonb_populate_recordset(null::{table}, $1)
            ON CONFLICT DO NOTHING
            """, rows, ct);
    }

    private static async Task ExecuteJsonAsync<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string sql,
        IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = JsonSerializer.Serialize(rows, Options),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string[] Columns<T>() => ColumnsByType.GetOrAdd(typeof(T), t =>
        [.. t.GetProperties().Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name))]);
}
