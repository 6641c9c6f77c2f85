using ContactSync.Sandbox.Graph.Store;
using ContactSync.Sandbox.Graph.Subscriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Sandbox.Graph;

/// <summary>Sandbox-only controls for what a user would do in Outlook or in their Microsoft account, which
/// Graph itself cannot do: revoke the app's grants, and move a contact to another folder.</summary>
public static class GraphSandboxControlApi
{
    public sealed record MoveRequest(string? FolderId);

    public static IEndpointRouteBuilder MapGraphSandboxControl(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_sandbox/microsoft/accounts/{email}").WithTags("Sandbox");
        group.MapPost("/revoke", Revoke);
        group.MapPost("/contacts/{id}/move", Move);
        return app;
    }

    private static Results<Ok<object>, NotFound> Revoke(string email, GraphStore store)
    {
        if (store.Find(email) is not { } mailbox) return TypedResults.NotFound();
        mailbox.RevokeGrants();
        return TypedResults.Ok<object>(new { revoked = true });
    }

    private static Results<Ok<object>, NotFound> Move(
        string email, string id, MoveRequest body, GraphStore store, SubscriptionRegistry subscriptions, TimeProvider time)
    {
        if (store.Find(email) is not { } mailbox || body.FolderId is null) return TypedResults.NotFound();
        var outcome = mailbox.MoveContact(id, body.FolderId, time.GetUtcNow());
        if (outcome.Status != WriteStatus.Ok) return TypedResults.NotFound();
        subscriptions.Publish(mailbox, "updated", outcome.Value!);
        return TypedResults.Ok<object>(new { id = outcome.Value!.Id, parentFolderId = outcome.Value.FolderId });
    }
}
