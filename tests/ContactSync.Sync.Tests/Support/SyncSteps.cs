using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContactSync.Providers;

namespace ContactSync.Sync.Tests.Support;

/// <summary>The steps sync tests are written in: a CRM user's REST calls and a look at the provider's side.</summary>
public static class SyncSteps
{
    public static async Task<Guid> NewContactAsync(this CrmUser user, object body)
    {
        using var res = await user.Api.PostAsJsonAsync("/api/contacts", body);
        return (await SyncFixture.Read(res, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> GetContactAsync(this CrmUser user, Guid id, bool includeDeleted = false)
    {
        using var res = await user.Api.GetAsync($"/api/contacts/{id}{(includeDeleted ? "?includeDeleted=true" : "")}");
        return await SyncFixture.Read(res, HttpStatusCode.OK);
    }

    public static async Task<Guid> NewListAsync(this CrmUser user, string name, object filter)
    {
        using var res = await user.Api.PostAsJsonAsync("/api/lists", new { name, filter });
        return (await SyncFixture.Read(res, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    public static async Task<Guid> NewConnectionAsync(this CrmUser user, object body)
    {
        using var res = await user.Api.PostAsJsonAsync("/api/connections", body);
        return (await SyncFixture.Read(res, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> GetConnectionAsync(this CrmUser user, Guid id)
    {
        using var res = await user.Api.GetAsync($"/api/connections/{id}");
        return await SyncFixture.Read(res, HttpStatusCode.OK);
    }

    public static async Task StepAsync(this CrmUser user, Guid connection, string step, HttpStatusCode expected)
    {
        using var res = await user.Api.PostAsync($"/api/connections/{connection}/{step}", null);
        await SyncFixture.Read(res, expected);
    }

    /// <summary>Waits until the connection has completed a run after <paramref name="after"/> and is idle.</summary>
    public static async Task<JsonElement> SyncedAsync(this CrmUser user, Guid connection, DateTimeOffset? after = null, TimeSpan? timeout = null)
    {
        JsonElement c = default;
        await Eventually.TrueAsync(async () =>
        {
            c = await user.GetConnectionAsync(connection);
            return c.GetProperty("state").GetString() == "idle" && c.GetProperty("lastSyncAt").ValueKind == JsonValueKind.String
                && (after is null || c.GetProperty("lastSyncAt").GetDateTimeOffset() > after);
        }, $"connection {connection} to finish a run", timeout ?? TimeSpan.FromSeconds(60));
        return c;
    }

    /// <summary>Every contact of a group at the provider, read through its change feed from the start.</summary>
    public static async Task<List<ProviderContact>> ContactsInGroupAsync(this IContactProvider provider, string groupId)
    {
        var all = new Dictionary<string, ProviderContact>();
        string? cursor = null;
        while (true)
        {
            var page = await provider.GetChangesAsync(groupId, cursor, CancellationToken.None);
            foreach (var u in page.Upserts) all[u.Id] = u;
            foreach (var r in page.Removals) all.Remove(r.Id);
            cursor = page.Cursor;
            if (!page.HasMore) return [.. all.Values];
        }
    }

    public static async Task<ProviderGroup> GroupNamedAsync(this IContactProvider provider, string name)
    {
        ProviderGroup? group = null;
        await Eventually.TrueAsync(async () =>
            (group = (await provider.ListGroupsAsync(CancellationToken.None)).FirstOrDefault(g => g.Name == name)) is not null, $"a group named {name}");
        return group!;
    }
}
