using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace ContactSync.Benchmarks.Rebuild;

/// <summary>
/// Writes realistic contact events fast. The documented bulk path: rows go into <c>es.streams</c>/<c>es.events</c>
/// exactly as <c>es.append_to_stream</c> would write them (one stream per contact, gapless revisions, the writing
/// transaction's id as commit position, global positions from the sequence in log order), a chunk per transaction,
/// via COPY into a staging table. Creates and updates interleave: each event is a create with probability
/// contacts/events, otherwise an update of a random existing contact (job title, company, phones or tags).
/// </summary>
internal static class RebuildEvents
{
    private static readonly string[] Given = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Linus"];
    private static readonly string[] Family = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Torvalds"];
    private static readonly string[] Titles = ["Engineer", "Manager", "Director", "Consultant", "Analyst", "Founder", "Designer"];

    /// <summary>Returns the number of contacts created.</summary>
    public static async Task<int> WriteAsync(NpgsqlDataSource dataSource, int events, int contacts, int tenants, int chunk = 50_000)
    {
        var random = new Random(42);
        var tenantIds = Enumerable.Range(0, tenants).Select(_ => Guid.CreateVersion7()).ToArray();
        var ids = new List<Guid>(contacts);
        var state = new List<(Guid Tenant, string? Title, string? Company, long Revision)>(contacts);
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var actor = Actor.ForSystem("benchmark");
        var pending = new List<(string Stream, long Revision, string Type, string Data)>(chunk);
        for (var n = 0; n < events; n++)
        {
            at = at.AddSeconds(1);
            var create = ids.Count == 0 || (ids.Count < contacts && random.NextDouble() < (double)contacts / events);
            object e;
            int i;
            if (create)
            {
                i = ids.Count;
                var id = Guid.CreateVersion7();
                var tenant = tenantIds[random.Next(tenants)];
                var (g, f) = (Given[random.Next(Given.Length)], Family[random.Next(Family.Length)]);
                var company = "Company " + random.Next(500);
                var fields = new ContactFields
                {
                    Name = new PersonName(Given: g, Family: f),
                    Emails = [new EmailAddress($"{g}.{f}{i}@example.com".ToLowerInvariant(), "work")],
                    Phones = [new PhoneNumber($"+1 555 {random.Next(1000, 9999)}", "mobile", $"+1555{random.Next(1000, 9999)}")],
                    Company = company,
                    JobTitle = Titles[random.Next(Titles.Length)],
                    Notes = "Met at a conference in " + (2015 + random.Next(10)),
                };
                e = new ContactEvent.ContactCreated(tenant, id, fields, random.Next(4) == 0 ? ["vip"] : [], Guid.CreateVersion7(), [],
                    ContactVisibility.Company, actor, at);
                ids.Add(id);
                state.Add((tenant, fields.JobTitle, company, 0));
            }
            else
            {
                i = random.Next(ids.Count);
                var s = state[i];
                var title = Titles[random.Next(Titles.Length)] + " " + random.Next(100);
                var company = random.Next(3) == 0 ? "Company " + random.Next(500) : s.Company;
                var changes = new List<FieldChange> { new("jobTitle", ContactChanges.ToJson(s.Title), ContactChanges.ToJson(title)) };
                if (company != s.Company) changes.Add(new("company", ContactChanges.ToJson(s.Company), ContactChanges.ToJson(company)));
                e = new ContactEvent.ContactUpdated(s.Tenant, ids[i], changes, actor, at);
                state[i] = s with { Title = title, Company = company, Revision = s.Revision + 1 };
            }
            var (type, data) = DomainJson.Serialize(e);
            pending.Add((StreamNames.Contact(ids[i]), state[i].Revision, type, System.Text.Encoding.UTF8.GetString(data)));
            if (pending.Count == chunk) await FlushAsync(dataSource, pending);
        }
        if (pending.Count > 0) await FlushAsync(dataSource, pending);
        return ids.Count;
    }

    private static async Task FlushAsync(NpgsqlDataSource dataSource, List<(string Stream, long Revision, string Type, string Data)> rows)
    {
        await using var conn = await dataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE staging (ord int, stream text, revision bigint, event_id uuid, type text, data jsonb) ON COMMIT DROP", conn, tx))
            await create.ExecuteNonQueryAsync();
        await using (var copy = await conn.BeginBinaryImportAsync("COPY staging FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(i, NpgsqlDbType.Integer);
                await copy.WriteAsync(rows[i].Stream, NpgsqlDbType.Text);
                await copy.WriteAsync(rows[i].Revision, NpgsqlDbType.Bigint);
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(rows[i].Type, NpgsqlDbType.Text);
                await copy.WriteAsync(rows[i].Data, NpgsqlDbType.Jsonb);
            }
            await copy.CompleteAsync();
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO es.streams (stream_name, revision, last_tx)
            SELECT stream, max(revision), pg_current_xact_id() FROM staging GROUP BY stream
            ON CONFLICT (stream_name) DO UPDATE SET revision = excluded.revision, last_tx = excluded.last_tx, updated_at = now();
            INSERT INTO es.events (transaction_id, stream_id, stream_revision, event_id, event_type, data)
            SELECT pg_current_xact_id(), s.stream_id, st.revision, st.event_id, st.type, st.data
              FROM staging st JOIN es.streams s ON s.stream_name = st.stream ORDER BY st.ord;
            """, conn, tx))
            await insert.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        rows.Clear();
    }
}
