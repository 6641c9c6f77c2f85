using System.Text.Json;
using System.Text.RegularExpressions;
using ContactSync.Sandbox.Graph.Http;
using ContactSync.Sandbox.Graph.Store;
using ContactSync.Sandbox.Graph.Subscriptions;

namespace ContactSync.Sandbox.Graph.Folders;

/// <summary>Contact folders: <c>/me/contactFolders</c> lists the children of the default Contacts folder,
/// <c>/me/contactFolders/{id}/childFolders</c> the children of any folder. Listings are not paged here
/// (mailboxes hold few folders).</summary>
public sealed partial class FoldersHandler(SubscriptionRegistry subscriptions)
{
    public GraphResponse List(GraphRequest req, Mailbox mailbox, string parentId)
    {
        if (mailbox.GetFolder(parentId) is null) return GraphResponse.NotFound();
        string? name = null;
        if (req.QueryValue("$filter") is { Length: > 0 } filter)
        {
            if (NameFilter().Match(filter) is not { Success: true } m)
                return GraphResponse.BadRequest("The query filter contains one or more invalid nodes.", "ErrorInvalidUrlQueryFilter");
            name = m.Groups[1].Value.Replace("''", "'");
        }
        var folders = mailbox.ListFolders(parentId)
            .Where(f => name is null || string.Equals(f.DisplayName, name, StringComparison.OrdinalIgnoreCase)).ToList();
        var context = $"{req.BaseUrl}/$metadata#users('{mailbox.Id}')/contactFolders";
        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", context);
            w.WriteStartArray("value");
            foreach (var f in folders) WriteFolder(w, f, null);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    public GraphResponse Get(GraphRequest req, Mailbox mailbox, string id) =>
        mailbox.GetFolder(id) is { } f ? Single(req, mailbox, f, 200) : GraphResponse.NotFound();

    public GraphResponse Create(GraphRequest req, Mailbox mailbox, string? parentId)
    {
        if (ReadName(req.Body, out var name) is { } error) return error;
        var parent = parentId ?? mailbox.DefaultFolderId;
        if (parentId is null && req.Body!.Value.TryGetProperty("parentFolderId", out var p) && p.ValueKind == JsonValueKind.String)
            parent = p.GetString()!;
        var outcome = mailbox.CreateFolder(parent, name!);
        return outcome.Status switch
        {
            WriteStatus.Ok => Single(req, mailbox, outcome.Value!, 201),
            WriteStatus.Conflict => GraphResponse.Error(409, "ErrorFolderExists", "A folder with the specified name already exists."),
            _ => GraphResponse.NotFound(),
        };
    }

    public GraphResponse Update(GraphRequest req, Mailbox mailbox, string id)
    {
        if (ReadName(req.Body, out var name) is { } error) return error;
        var outcome = mailbox.RenameFolder(id, name!);
        return outcome.Status switch
        {
            WriteStatus.Ok => Single(req, mailbox, outcome.Value!, 200),
            WriteStatus.Conflict => GraphResponse.Error(409, "ErrorFolderExists", "A folder with the specified name already exists."),
            _ => GraphResponse.NotFound(),
        };
    }

    public GraphResponse Delete(Mailbox mailbox, string id)
    {
        if (mailbox.DeleteFolder(id) is not { } removed) return GraphResponse.NotFound();
        foreach (var contact in removed) subscriptions.Publish(mailbox, "deleted", contact);
        return GraphResponse.NoContent;
    }

    private static GraphResponse? ReadName(JsonElement? body, out string? name)
    {
        name = null;
        if (body is not { ValueKind: JsonValueKind.Object } obj ||
            !obj.TryGetProperty("displayName", out var n) || n.ValueKind != JsonValueKind.String ||
            string.IsNullOrWhiteSpace(n.GetString()))
            return GraphResponse.BadRequest("The folder needs a displayName.", "ErrorInvalidRequest");
        name = n.GetString()!.Trim();
        return null;
    }

    private static GraphResponse Single(GraphRequest req, Mailbox mailbox, FolderRecord f, int status)
    {
        var context = $"{req.BaseUrl}/$metadata#users('{mailbox.Id}')/contactFolders/$entity";
        return GraphResponse.Json(status, w => WriteFolder(w, f, context));
    }

    private static void WriteFolder(Utf8JsonWriter w, FolderRecord f, string? context)
    {
        w.WriteStartObject();
        if (context is not null) w.WriteString("@odata.context", context);
        w.WriteString("id", f.Id);
        w.WriteString("displayName", f.DisplayName);
        w.WriteString("parentFolderId", f.ParentFolderId);
        w.WriteEndObject();
    }

    [GeneratedRegex(@"^\s*displayName\s+eq\s+'((?:[^']|'')*)'\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex NameFilter();
}
