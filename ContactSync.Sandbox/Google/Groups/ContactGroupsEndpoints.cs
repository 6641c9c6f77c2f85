using System.Globalization;
using System.Text.Json;
using ContactSync.Sandbox.Google.Store;

namespace ContactSync.Sandbox.Google.Groups;

/// <summary>contactGroups list/get/create/update/delete and contactGroups.members.modify.</summary>
public static class ContactGroupsEndpoints
{
    private const int MaxModify = 1000;
    private static readonly HashSet<string> GroupFieldNames = ["clientData", "groupType", "memberCount", "metadata", "name"];
    private static readonly HashSet<string> DefaultFields = ["groupType", "memberCount", "metadata", "name"];

    public static void MapContactGroups(this IEndpointRouteBuilder app, GoogleSandbox google)
    {
        app.MapGet("v1/contactGroups", context => Run(context, google, List));
        app.MapPost("v1/contactGroups", context => Run(context, google, Create));
        app.MapGet("v1/contactGroups/{id}", context => Run(context, google, Get));
        app.MapPut("v1/contactGroups/{id}", context => Run(context, google, Update));
        app.MapDelete("v1/contactGroups/{id}", context => Run(context, google, Delete));
        app.MapPost("v1/contactGroups/{id}/members:modify", context => Run(context, google, ModifyMembers));
    }

    private static async Task Run(HttpContext context, GoogleSandbox google, Func<HttpContext, GoogleSandbox, GoogleAccount, Task<GoogleError?>> handler)
    {
        if (google.Authenticate(context) is not { } account) await GoogleError.Unauthenticated().WriteAsync(context);
        else if (await handler(context, google, account) is { } error) await error.WriteAsync(context);
    }

    private static async Task<GoogleError?> List(HttpContext context, GoogleSandbox google, GoogleAccount account)
    {
        if (GoogleHttp.QueryInt(context, "pageSize", 0, 1000, out var size) is { } sizeError) return sizeError;
        if (Fields(GoogleHttp.Query(context, "groupFields")) is not { } fields) return GoogleError.Invalid("Invalid groupFields mask.");
        long since = 0;
        if (GoogleHttp.Query(context, "syncToken") is { Length: > 0 } syncToken)
            since = google.SyncTokens.Redeem(account, syncToken, "groups", google.Options.SyncTokenLifetime) ?? -1;
        if (since < 0) return GoogleError.ExpiredSyncToken();
        var offset = 0;
        if (GoogleHttp.Query(context, "pageToken") is { Length: > 0 } pageToken &&
            !int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            return GoogleError.Invalid("Page token is not valid.");

        var all = account.ListGroups(since, includeDeleted: since > 0, out var currentSeq);
        var pageSize = size is null or 0 ? 30 : size.Value;
        var page = all.Skip(offset).Take(pageSize).ToList();
        var more = offset + page.Count < all.Count;
        var nextSync = more ? null : google.SyncTokens.Issue(account, currentSeq, "groups");
        await GoogleHttp.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartArray("contactGroups");
            foreach (var (group, count) in page) WriteGroup(writer, group, count, null, fields);
            writer.WriteEndArray();
            writer.WriteNumber("totalItems", all.Count);
            if (more) writer.WriteString("nextPageToken", (offset + page.Count).ToString(CultureInfo.InvariantCulture));
            if (nextSync is not null) writer.WriteString("nextSyncToken", nextSync);
        });
        return null;
    }

    private static async Task<GoogleError?> Get(HttpContext context, GoogleSandbox google, GoogleAccount account)
    {
        if (GoogleHttp.QueryInt(context, "maxMembers", 0, int.MaxValue, out var maxMembers) is { } error) return error;
        if (Fields(GoogleHttp.Query(context, "groupFields")) is not { } fields) return GoogleError.Invalid("Invalid groupFields mask.");
        if (account.FindGroup(Id(context), maxMembers ?? 0) is not { } found) return GoogleError.NotFound();
        await Write(context, found.Group, found.MemberCount, found.Members, fields);
        return null;
    }

    private static async Task<GoogleError?> Create(HttpContext context, GoogleSandbox google, GoogleAccount account)
    {
        using var document = await GoogleHttp.ReadBodyAsync(context);
        if (document is null) return null;
        if (!document.RootElement.TryGetProperty("contactGroup", out var group) || group.ValueKind != JsonValueKind.Object)
            return GoogleError.Invalid("contactGroup is required.");
        if (GoogleHttp.String(group, "name")?.Trim() is not { Length: > 0 } name) return GoogleError.Invalid("contactGroup.name is required.");
        if (Fields(GoogleHttp.String(document.RootElement, "readGroupFields")) is not { } fields) return GoogleError.Invalid("Invalid readGroupFields mask.");
        if (account.CreateGroup(name, ClientData(group), out var created) is { } error) return error;
        await Write(context, created, 0, null, fields);
        return null;
    }

    private static async Task<GoogleError?> Update(HttpContext context, GoogleSandbox google, GoogleAccount account)
    {
        using var document = await GoogleHttp.ReadBodyAsync(context);
        if (document is null) return null;
        var body = document.RootElement;
        if (!body.TryGetProperty("contactGroup", out var group) || group.ValueKind != JsonValueKind.Object)
            return GoogleError.Invalid("contactGroup is required.");
        var mask = (GoogleHttp.String(body, "updateGroupFields") ?? "name").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (mask.Any(f => f is not ("name" or "clientData"))) return GoogleError.Invalid("updateGroupFields may only name name and clientData.");
        if (Fields(GoogleHttp.String(body, "readGroupFields")) is not { } fields) return GoogleError.Invalid("Invalid readGroupFields mask.");
        string? name = null;
        if (mask.Contains("name"))
        {
            name = GoogleHttp.String(group, "name")?.Trim();
            if (string.IsNullOrEmpty(name)) return GoogleError.Invalid("contactGroup.name is required.");
        }
        if (account.UpdateGroup(Id(context), GoogleHttp.String(group, "etag"), name, mask.Contains("clientData"), ClientData(group), out var updated) is { } error)
            return error;
        var count = account.FindGroup(updated.Id, 0)?.MemberCount ?? 0;
        await Write(context, updated, count, null, fields);
        return null;
    }

    private static async Task<GoogleError?> Delete(HttpContext context, GoogleSandbox google, GoogleAccount account)
    {
        if (account.DeleteGroup(Id(context), GoogleHttp.QueryBool(context, "deleteContacts")) is { } error) return error;
        await GoogleHttp.WriteEmptyAsync(context);
        return null;
    }

    private static async Task<GoogleError?> ModifyMembers(HttpContext context, GoogleSandbox google, GoogleAccount account)
    {
        using var document = await GoogleHttp.ReadBodyAsync(context);
        if (document is null) return null;
        var add = Names(document.RootElement, "resourceNamesToAdd");
        var remove = Names(document.RootElement, "resourceNamesToRemove");
        if (add.Count + remove.Count > MaxModify)
            return GoogleError.Invalid($"The combined number of resource names to add and remove must not exceed {MaxModify}.");
        if (account.ModifyMembers(Id(context), add, remove, out var notFound, out var cannotRemove) is { } error) return error;
        await GoogleHttp.WriteJsonAsync(context, 200, writer =>
        {
            if (notFound.Count > 0)
            {
                writer.WriteStartArray("notFoundResourceNames");
                foreach (var n in notFound) writer.WriteStringValue(n);
                writer.WriteEndArray();
            }
            if (cannotRemove.Count > 0)
            {
                writer.WriteStartArray("canNotRemoveLastContactGroupResourceNames");
                foreach (var n in cannotRemove) writer.WriteStringValue(n);
                writer.WriteEndArray();
            }
        });
        return null;
    }

    private static string Id(HttpContext context) => (string)context.Request.RouteValues["id"]!;

    private static List<string> Names(JsonElement body, string property) =>
        body.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToList()
            : [];

    private static byte[]? ClientData(JsonElement group) =>
        group.TryGetProperty("clientData", out var data) && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0
            ? JsonSerializer.SerializeToUtf8Bytes(data, GoogleHttp.SerializerOptions)
            : null;

    private static HashSet<string>? Fields(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return DefaultFields;
        var fields = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        return fields.IsSubsetOf(GroupFieldNames) ? fields : null;
    }

    private static Task Write(HttpContext context, StoredGroup group, int count, IReadOnlyList<string>? members, HashSet<string> fields) =>
        GoogleHttp.WriteJsonAsync(context, 200, writer => WriteGroupBody(writer, group, count, members, fields));

    private static void WriteGroup(Utf8JsonWriter writer, StoredGroup group, int count, IReadOnlyList<string>? members, HashSet<string> fields)
    {
        writer.WriteStartObject();
        WriteGroupBody(writer, group, count, members, fields);
        writer.WriteEndObject();
    }

    private static void WriteGroupBody(Utf8JsonWriter writer, StoredGroup group, int count, IReadOnlyList<string>? members, HashSet<string> fields)
    {
        writer.WriteString("resourceName", group.ResourceName);
        writer.WriteString("etag", group.Etag);
        if (fields.Contains("metadata") || group.Deleted)
        {
            writer.WriteStartObject("metadata");
            writer.WriteString("updateTime", group.UpdateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            if (group.Deleted) writer.WriteBoolean("deleted", true);
            writer.WriteEndObject();
        }
        if (group.Deleted) return;
        if (fields.Contains("groupType")) writer.WriteString("groupType", group.IsSystem ? "SYSTEM_CONTACT_GROUP" : "USER_CONTACT_GROUP");
        if (fields.Contains("name"))
        {
            writer.WriteString("name", group.Name);
            writer.WriteString("formattedName", group.FormattedName);
        }
        if (members is { Count: > 0 })
        {
            writer.WriteStartArray("memberResourceNames");
            foreach (var m in members) writer.WriteStringValue(m);
            writer.WriteEndArray();
        }
        if (fields.Contains("memberCount") && count > 0) writer.WriteNumber("memberCount", count);
        if (fields.Contains("clientData") && group.ClientData is not null)
        {
            writer.WritePropertyName("clientData");
            writer.WriteRawValue(group.ClientData, skipInputValidation: true);
        }
    }
}
