using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Graph.Delta;
using ContactSync.Sandbox.Graph.Http;
using ContactSync.Sandbox.Graph.OAuth;
using ContactSync.Sandbox.Graph.Store;
using ContactSync.Sandbox.Graph.Subscriptions;

namespace ContactSync.Sandbox.Graph;

/// <summary>The Graph emulator as the control API and the fault middleware see it.</summary>
public sealed class GraphSandbox(GraphStore store, TokenStore tokens, DeltaTokens deltaTokens, SubscriptionRegistry subscriptions)
    : ISandboxEmulator
{
    public const string ProviderName = "microsoft";

    public string Provider => ProviderName;

    /// <summary>Outlook's limit of 4 concurrent requests, enforced per mailbox (the conservative reading of
    /// providers.md B5).</summary>
    public int ConcurrencyLimit => 4;

    public PropagationDelay PropagationDelay => store.PropagationDelay;

    public bool Owns(PathString path) => path.StartsWithSegments("/v1.0") || IsOAuthPath(path);

    public string CreateAccount(string email) => tokens.IssueAccessToken(store.GetOrCreate(email));

    public void ExpireCursors() => deltaTokens.ExpireAll();

    public void Reset()
    {
        subscriptions.Clear();
        tokens.Clear();
        store.Clear();
        deltaTokens.ExpireAll();
    }

    public Persistence.GraphState Export()
    {
        var (access, refresh) = tokens.Export();
        return new Persistence.GraphState([.. store.All.Select(m => m.Export())], access, refresh, deltaTokens.Generation);
    }

    /// <summary>Replaces the state with a saved one (at start, before requests are served).</summary>
    public void Import(Persistence.GraphState state)
    {
        Reset();
        foreach (var mailbox in state.Mailboxes) store.Add(Mailbox.Restore(mailbox, store.Clock, store.PropagationDelay));
        tokens.Import(state.AccessTokens, state.RefreshTokens);
        deltaTokens.RestoreGeneration(state.DeltaGeneration);
    }

    public Task WriteFaultAsync(HttpContext context, int status, TimeSpan? retryAfter) =>
        GraphEndpoint.WriteAsync(context, status switch
        {
            429 => GraphFaults.Throttled(retryAfter ?? TimeSpan.FromSeconds(1)),
            503 => GraphFaults.Unavailable(retryAfter ?? TimeSpan.FromSeconds(1)),
            _ => GraphFaults.ServerError(),
        });

    public string? ConcurrencyKey(HttpContext context) =>
        IsOAuthPath(context.Request.Path) || GraphEndpoint.BearerToken(context) is not { } token ? null : tokens.MailboxOf(token);

    private static bool IsOAuthPath(PathString path)
    {
        var value = path.Value ?? "";
        var slash = value.IndexOf('/', 1);
        return slash > 1 && value.AsSpan(slash).StartsWith("/oauth2/v2.0/", StringComparison.Ordinal);
    }
}
