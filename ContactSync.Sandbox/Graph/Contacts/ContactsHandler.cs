using System.Text;
using ContactSync.Sandbox.Graph.Http;
using ContactSync.Sandbox.Graph.Store;
using ContactSync.Sandbox.Graph.Subscriptions;

namespace ContactSync.Sandbox.Graph.Contacts;

/// <summary>Contacts CRUD in the default folder (<c>/me/contacts</c>) and in folders
/// (<c>/me/contactFolders/{id}/contacts</c>). A null folder on single-item calls means "any folder":
/// Outlook item ids are mailbox-wide, so <c>/me/contacts/{id}</c> finds a contact wherever it is.</summary>
public sealed class ContactsHandler(TimeProvider time, SubscriptionRegistry subscriptions)
{
    private const int DefaultPageSize = 10; // unconfirmed; clients must follow @odata.nextLink
    private const int MaxPageSize = 1000;

    public GraphResponse List(GraphRequest req, Mailbox mailbox, string folderId)
    {
        if (mailbox.GetFolder(folderId) is null) return GraphResponse.NotFound();
        var (query, error) = ContactQuery.From(req);
        if (error is not null) return error;
        if (!TryInt(req.QueryValue("$top"), DefaultPageSize, out var top) || top is < 1 or > MaxPageSize)
            return GraphResponse.BadRequest("Invalid value for $top.", "BadRequest");
        if (!TryInt(req.QueryValue("$skip"), 0, out var skip) || skip < 0)
            return GraphResponse.BadRequest("Invalid value for $skip.", "BadRequest");

        var all = mailbox.ListContacts(folderId);
        var matching = query!.Filter is { } f ? all.Where(f).ToList() : all;
        var page = matching.Skip(skip).Take(top).ToList();
        var next = skip + page.Count < matching.Count ? NextLink(req, skip + page.Count) : null;
        var context = $"{req.BaseUrl}/$metadata#users('{mailbox.Id}')/contacts";
        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", context);
            if (string.Equals(req.QueryValue("$count"), "true", StringComparison.OrdinalIgnoreCase)) w.WriteNumber("@odata.count", matching.Count);
            if (next is not null) w.WriteString("@odata.nextLink", next);
            w.WriteStartArray("value");
            foreach (var c in page)
            {
                w.WriteStartObject();
                ContactJson.WriteBody(w, c, query);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    public GraphResponse Create(GraphRequest req, Mailbox mailbox, string folderId)
    {
        var (parsed, error) = ContactSchema.Parse(req.Body);
        if (error is not null) return error;
        if (!parsed!.Props.ContainsKey("displayName")) ContactSchema.RegenerateDisplayName(parsed.Props, parsed.Props);
        var extended = parsed.Extended.ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);
        if (mailbox.CreateContact(folderId, parsed.Props, extended, time.GetUtcNow()) is not { } created)
            return GraphResponse.NotFound();
        subscriptions.Publish(mailbox, "created", created);
        return Single(req, mailbox, created, 201, ContactQuery.Default)
            .WithHeader("Location", $"{req.BaseUrl}/users/{mailbox.Id}/contacts/{created.Id}");
    }

    public GraphResponse Get(GraphRequest req, Mailbox mailbox, string? folderId, string id)
    {
        var (query, error) = ContactQuery.From(req);
        if (error is not null) return error;
        return mailbox.GetContact(id, folderId) is { } c ? Single(req, mailbox, c, 200, query!) : GraphResponse.NotFound();
    }

    public GraphResponse Update(GraphRequest req, Mailbox mailbox, string? folderId, string id)
    {
        var (parsed, error) = ContactSchema.Parse(req.Body);
        if (error is not null) return error;
        var outcome = mailbox.UpdateContact(id, folderId, req.Header("If-Match"), current =>
        {
            var merged = new Dictionary<string, System.Text.Json.JsonElement>(current.Props, StringComparer.Ordinal);
            foreach (var (name, value) in parsed!.Props) merged[name] = value;
            ContactSchema.RegenerateDisplayName(merged, parsed.Props);
            var extended = new Dictionary<string, ExtendedProperty>(current.Extended, StringComparer.OrdinalIgnoreCase);
            foreach (var p in parsed.Extended) extended[p.Id] = p;
            return current with { Props = merged, Extended = extended };
        }, time.GetUtcNow());
        return outcome.Status switch
        {
            WriteStatus.Ok => Published(mailbox, "updated", outcome.Value!, Single(req, mailbox, outcome.Value!, 200, ContactQuery.Default)),
            WriteStatus.PreconditionFailed => GraphResponse.PreconditionFailed(),
            _ => GraphResponse.NotFound(),
        };
    }

    public GraphResponse Delete(GraphRequest req, Mailbox mailbox, string? folderId, string id)
    {
        var outcome = mailbox.DeleteContact(id, folderId, req.Header("If-Match"));
        return outcome.Status switch
        {
            WriteStatus.Ok => Published(mailbox, "deleted", outcome.Value!, GraphResponse.NoContent),
            WriteStatus.PreconditionFailed => GraphResponse.PreconditionFailed(),
            _ => GraphResponse.NotFound(),
        };
    }

    private GraphResponse Published(Mailbox mailbox, string changeType, ContactRecord contact, GraphResponse response)
    {
        subscriptions.Publish(mailbox, changeType, contact);
        return response;
    }

    private static GraphResponse Single(GraphRequest req, Mailbox mailbox, ContactRecord c, int status, ContactQuery query)
    {
        var context = $"{req.BaseUrl}/$metadata#users('{mailbox.Id}')/contacts/$entity";
        return GraphResponse.Json(status, w => ContactJson.Write(w, c, query, context)).WithHeader("ETag", c.ETag);
    }

    private static string NextLink(GraphRequest req, int skip)
    {
        var sb = new StringBuilder(req.BaseUrl).Append(req.Path).Append('?');
        foreach (var (key, values) in req.Query)
        {
            if (key.Equals("$skip", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var v in values) sb.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(v ?? "")).Append('&');
        }
        return sb.Append("%24skip=").Append(skip).ToString();
    }

    private static bool TryInt(string? value, int fallback, out int result)
    {
        result = fallback;
        return string.IsNullOrEmpty(value) || int.TryParse(value, out result);
    }
}
