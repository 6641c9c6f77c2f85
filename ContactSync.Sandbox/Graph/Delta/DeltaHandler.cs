using ContactSync.Sandbox.Graph.Contacts;
using ContactSync.Sandbox.Graph.Http;
using ContactSync.Sandbox.Graph.Store;
using Microsoft.Extensions.Options;

namespace ContactSync.Sandbox.Graph.Delta;

/// <summary>
/// Contact delta for one folder (providers.md B2). A round is fixed to the change-index position at which it
/// started: pages follow <c>@odata.nextLink</c> ($skiptoken) and the last one carries <c>@odata.deltaLink</c>
/// ($deltatoken), both absolute under the emulator's base. Changes made during a round surface in the next
/// one. The initial round lists live contacts only; later rounds add <c>@removed</c> tombstones for contacts
/// deleted or moved out of the folder.
/// </summary>
public sealed class DeltaHandler(DeltaTokens tokens, TimeProvider time, IOptions<GraphEmulatorOptions> options)
{
    private const int MaxPageSize = 1000;
    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase) { "$select", "$skiptoken", "$deltatoken" };

    /// <param name="linkPath">The canonical path of this delta function (after <c>/v1.0</c>), used in links.</param>
    public GraphResponse Handle(GraphRequest req, Mailbox mailbox, string folderId, string linkPath)
    {
        if (mailbox.GetFolder(folderId) is null) return GraphResponse.NotFound();
        if (req.Query.Keys.FirstOrDefault(k => !Allowed.Contains(k)) is { } unsupported)
            return GraphResponse.BadRequest($"The query parameter '{unsupported}' is not supported with change tracking over the 'Contacts' resource.", "ErrorInvalidUrlQuery");

        DeltaState state;
        if (req.QueryValue("$skiptoken") is { } skip)
        {
            if (tokens.Decode(skip, mailbox.Id, folderId) is not { } s) return Expired(mailbox);
            state = s;
        }
        else if (req.QueryValue("$deltatoken") is { } delta)
        {
            if (tokens.Decode(delta, mailbox.Id, folderId) is not { } s) return Expired(mailbox);
            state = tokens.NewState(mailbox.Id, folderId, s.Since, mailbox.CurrentSeq, initial: false, s.Select);
        }
        else
        {
            state = tokens.NewState(mailbox.Id, folderId, 0, mailbox.CurrentSeq, initial: true, req.QueryValue("$select"));
        }

        var pageSize = Math.Min(req.MaxPageSize() ?? options.Value.DefaultDeltaPageSize, MaxPageSize);
        var (items, last, more) = mailbox.Changes(folderId, state.Since, state.UpTo, pageSize, tombstones: !state.Initial);
        var now = time.GetUtcNow();
        var link = more
            ? $"{req.BaseUrl}{linkPath}?$skiptoken={tokens.Encode(state with { Since = last, IssuedAt = now })}"
            : $"{req.BaseUrl}{linkPath}?$deltatoken={tokens.Encode(state with { Since = state.UpTo, UpTo = 0, Initial = false, IssuedAt = now })}";
        var query = new ContactQuery(ContactQuery.ParseSelect(state.Select), false, null, null);
        var context = $"{req.BaseUrl}/$metadata#Collection(contact)";

        var response = GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", context);
            w.WriteString(more ? "@odata.nextLink" : "@odata.deltaLink", link);
            w.WriteStartArray("value");
            foreach (var item in items)
            {
                w.WriteStartObject();
                if (item is ContactRecord c)
                {
                    w.WriteString("@odata.type", "#microsoft.graph.contact");
                    ContactJson.WriteBody(w, c, query);
                }
                else if (item is Tombstone t)
                {
                    w.WriteString("@odata.type", "#microsoft.graph.contact");
                    w.WriteString("id", t.ContactId);
                    w.WriteStartObject("@removed");
                    w.WriteString("reason", "deleted");
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        if (req.MaxPageSize() is not null) response.WithHeader("Preference-Applied", $"odata.maxpagesize={pageSize}");
        return response;
    }

    private GraphResponse Expired(Mailbox mailbox)
    {
        var highest = mailbox.CurrentSeq;
        return GraphResponse.Error(410, "SyncStateNotFound",
            $"The sync state generation is not found; generation={tokens.Generation};[highest={highest}].");
    }
}
