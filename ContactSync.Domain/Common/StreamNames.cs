namespace ContactSync.Domain.Common;

/// <summary>
/// Stream names of the aggregates, <c>{Category}-{id}</c>. Plain strings on purpose: the event store has its own
/// <c>StreamName</c> type and the domain does not reference the store.
/// </summary>
public static class StreamNames
{
    public const string TenantCategory = "Tenant";
    public const string RoleCategory = "Role";
    public const string UserCategory = "User";
    public const string ContactCategory = "Contact";
    public const string ListCategory = "List";
    public const string AccountCategory = "Account";
    public const string ConnectionCategory = "Connection";
    public const string ConnectionSyncCategory = "ConnectionSync";
    public const string ConnectionInboxCategory = "ConnectionInbox";

    public static string Tenant(Guid id) => For(TenantCategory, id);

    public static string Role(Guid id) => For(RoleCategory, id);

    public static string User(Guid id) => For(UserCategory, id);

    public static string Contact(Guid id) => For(ContactCategory, id);

    public static string List(Guid id) => For(ListCategory, id);

    public static string Account(Guid id) => For(AccountCategory, id);

    public static string Connection(Guid id) => For(ConnectionCategory, id);

    /// <summary>A connection's data plane (links, cursors, runs, conflicts), written by its worker alone.</summary>
    public static string ConnectionSync(Guid id) => For(ConnectionSyncCategory, id);

    /// <summary>What providers told a connection from outside (change notifications), written by the webhook; never
    /// folded, only followed, so it needs no expected version.</summary>
    public static string ConnectionInbox(Guid id) => For(ConnectionInboxCategory, id);

    /// <summary>Splits <c>Contact-0190...</c> into its category and id; false for anything else.</summary>
    public static bool TryParse(string streamName, out string category, out Guid id)
    {
        var dash = streamName.IndexOf('-');
        category = dash > 0 ? streamName[..dash] : "";
        id = Guid.Empty;
        return dash > 0 && Guid.TryParseExact(streamName[(dash + 1)..], "D", out id);
    }

    private static string For(string category, Guid id) => $"{category}-{id:D}";
}
