using ContactSync.Sandbox.Graph.Contacts;
using ContactSync.Sandbox.Graph.Delta;
using ContactSync.Sandbox.Graph.Folders;
using ContactSync.Sandbox.Graph.Store;
using ContactSync.Sandbox.Graph.Subscriptions;

namespace ContactSync.Sandbox.Graph.Http;

/// <summary>
/// Resolves a Graph path (after <c>/v1.0</c>) to its handler. One router serves HTTP requests and the items
/// of a <c>$batch</c>, so both behave identically. Returns the route template too, for request statistics.
/// </summary>
public sealed class GraphRouter(
    GraphStore store, ContactsHandler contacts, FoldersHandler folders, DeltaHandler delta, SubscriptionsHandler subscriptions)
{
    public async ValueTask<(GraphResponse Response, string Route)> DispatchAsync(GraphRequest req, CancellationToken ct)
    {
        var segments = req.Path.Trim('/').Split('/');
        switch (segments)
        {
            case ["subscriptions"]:
                return (req.Method == "POST" ? await subscriptions.CreateAsync(req, ct) : MethodNotAllowed(), "/v1.0/subscriptions");
            case ["subscriptions", var id]:
                return (req.Method switch
                {
                    "GET" => subscriptions.Get(req, id),
                    "PATCH" => subscriptions.Update(req, id),
                    "DELETE" => subscriptions.Delete(req, id),
                    _ => MethodNotAllowed(),
                }, "/v1.0/subscriptions/{id}");
            case ["me", .. var rest]:
                return (Mailbox(req, req.Caller, rest, "/me", out var route), route);
            case ["users", var user, .. var rest]:
                var mailbox = store.Find(user);
                if (mailbox is null)
                    return (GraphResponse.Error(404, "ErrorInvalidUser", $"The requested user '{user}' is invalid."), "/v1.0/users/{user}");
                if (mailbox.Id != req.Caller.Id)
                    return (GraphResponse.Error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."), "/v1.0/users/{user}");
                return (Mailbox(req, mailbox, rest, $"/users/{user}", out var userRoute), userRoute);
            default:
                return (GraphResponse.UnknownSegment(segments[0]), "/v1.0/{unknown}");
        }
    }

    private GraphResponse Mailbox(GraphRequest req, Mailbox mb, string[] rest, string prefix, out string route)
    {
        switch (rest)
        {
            case []:
                route = "/v1.0/{user}";
                return req.Method == "GET" ? User(req, mb) : MethodNotAllowed();
            case ["contacts", .. var tail]:
                // /me/contacts lists the default folder, so its (undocumented) delta tracks the default folder too.
                return Contacts(req, mb, mb.DefaultFolderId, anyFolder: true, tail, $"{prefix}/contacts", "/v1.0/{user}/contacts", out route);
            case ["contactFolders"]:
                route = "/v1.0/{user}/contactFolders";
                return req.Method switch
                {
                    "GET" => folders.List(req, mb, mb.DefaultFolderId),
                    "POST" => folders.Create(req, mb, null),
                    _ => MethodNotAllowed(),
                };
            case ["contactFolders", var folderId, .. var tail]:
                // contactFolders/{a}/childFolders/{b}/... addresses folder b: folder ids are mailbox-wide.
                while (tail is ["childFolders", var child, ..])
                {
                    folderId = child;
                    tail = tail[2..];
                }
                return Folder(req, mb, folderId, tail, prefix, out route);
            default:
                route = "/v1.0/{user}/{unknown}";
                return GraphResponse.UnknownSegment(rest[0]);
        }
    }

    private GraphResponse Folder(GraphRequest req, Mailbox mb, string folderId, string[] tail, string prefix, out string route)
    {
        switch (tail)
        {
            case []:
                route = "/v1.0/{user}/contactFolders/{folderId}";
                return req.Method switch
                {
                    "GET" => folders.Get(req, mb, folderId),
                    "PATCH" => folders.Update(req, mb, folderId),
                    "DELETE" => folders.Delete(mb, folderId),
                    _ => MethodNotAllowed(),
                };
            case ["childFolders"]:
                route = "/v1.0/{user}/contactFolders/{folderId}/childFolders";
                return req.Method switch
                {
                    "GET" => folders.List(req, mb, folderId),
                    "POST" => folders.Create(req, mb, folderId),
                    _ => MethodNotAllowed(),
                };
            case ["contacts", .. var rest]:
                return Contacts(req, mb, folderId, anyFolder: false, rest, $"{prefix}/contactFolders/{folderId}/contacts",
                    "/v1.0/{user}/contactFolders/{folderId}/contacts", out route);
            default:
                route = "/v1.0/{user}/contactFolders/{folderId}/{unknown}";
                return GraphResponse.UnknownSegment(tail[0]);
        }
    }

    private GraphResponse Contacts(
        GraphRequest req, Mailbox mb, string folderId, bool anyFolder, string[] rest, string linkBase, string routeBase, out string route)
    {
        switch (rest)
        {
            case []:
                route = routeBase;
                return req.Method switch
                {
                    "GET" => contacts.List(req, mb, folderId),
                    "POST" => contacts.Create(req, mb, folderId),
                    _ => MethodNotAllowed(),
                };
            case [var fn] when IsDelta(fn):
                route = routeBase + "/delta";
                return req.Method == "GET" ? delta.Handle(req, mb, folderId, linkBase + "/delta") : MethodNotAllowed();
            case [var id]:
                route = routeBase + "/{id}";
                var scope = anyFolder ? null : folderId;
                return req.Method switch
                {
                    "GET" => contacts.Get(req, mb, scope, id),
                    "PATCH" => contacts.Update(req, mb, scope, id),
                    "DELETE" => contacts.Delete(req, mb, scope, id),
                    _ => MethodNotAllowed(),
                };
            default:
                route = routeBase + "/{id}/{unknown}";
                return GraphResponse.UnknownSegment(rest[^1]);
        }
    }

    // The SDK calls delta() with parentheses; /delta is shorthand for /microsoft.graph.delta.
    private static bool IsDelta(string segment) =>
        segment is "delta" or "delta()" or "microsoft.graph.delta" or "microsoft.graph.delta()";

    private static GraphResponse User(GraphRequest req, Mailbox mb) => GraphResponse.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("@odata.context", $"{req.BaseUrl}/$metadata#users/$entity");
        w.WriteString("id", mb.Id);
        w.WriteString("displayName", mb.Email.Split('@')[0]);
        w.WriteString("mail", mb.Email);
        w.WriteString("userPrincipalName", mb.Email);
        w.WriteEndObject();
    });

    private static GraphResponse MethodNotAllowed() =>
        GraphResponse.Error(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
}
