namespace ContactSync.Providers.Tests.Google;

/// <summary>Follows a change feed to its end, as the sync engine does.</summary>
public static class Sync
{
    public sealed record Result(List<ProviderContact> Upserts, List<ProviderRemoval> Removals, string Cursor, int Pages);

    public static async Task<Result> RunAsync(IContactProvider provider, string groupId, string? cursor)
    {
        var upserts = new List<ProviderContact>();
        var removals = new List<ProviderRemoval>();
        var pages = 0;
        while (true)
        {
            var page = await provider.GetChangesAsync(groupId, cursor, CancellationToken.None);
            pages++;
            Assert.Equal(cursor is null || cursor.StartsWith("g1 F", StringComparison.Ordinal), page.IsFullSync);
            upserts.AddRange(page.Upserts);
            removals.AddRange(page.Removals);
            cursor = page.Cursor;
            if (!page.HasMore) return new Result(upserts, removals, cursor, pages);
        }
    }
}
