using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Serialization.Json;

namespace ContactSync.Providers.Microsoft;

/// <param name="Build">Builds the request (again on every attempt).</param>
/// <param name="Reconcile">For non-idempotent items (creates): finds out whether an attempt whose answer was
/// lost took effect, so it is not repeated.</param>
internal sealed record BatchItem(Func<RequestInformation> Build, Func<CancellationToken, Task<BatchResult?>>? Reconcile = null);

/// <param name="Reconciled">Set when a reconcile found the item's effect instead of an answer.</param>
internal sealed record BatchResult(int Status, byte[] Body, TimeSpan? RetryAfter, ProviderContact? Reconciled = null)
{
    /// <summary>An item that may have been applied and that its reconcile did not find (yet).</summary>
    public static readonly BatchResult Unconfirmed = new(0, [], null);

    public bool Succeeded => Status is >= 200 and < 300;

    public async Task<Contact?> ReadContactAsync(CancellationToken ct)
    {
        if (Body.Length == 0) return null;
        var node = await new JsonParseNodeFactory().GetRootParseNodeAsync("application/json", new MemoryStream(Body), ct);
        return node.GetObjectValue(Contact.CreateFromDiscriminatorValue);
    }

    /// <summary>The <c>@odata.count</c> of a successful list answer, if it has one.</summary>
    public int? ReadCount()
    {
        if (!Succeeded || Body.Length == 0) return null;
        using var doc = JsonDocument.Parse(Body);
        return doc.RootElement.TryGetProperty("@odata.count", out var count) && count.TryGetInt32(out var n) ? n : null;
    }

    public (string? Code, string? Message) ReadError()
    {
        try
        {
            using var doc = JsonDocument.Parse(Body);
            var error = doc.RootElement.GetProperty("error");
            return (error.GetProperty("code").GetString(), error.GetProperty("message").GetString());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, null);
        }
    }
}

/// <summary>
/// Sends requests as JSON batches of 20 through the SDK's <see cref="BatchRequestContentCollection"/>. Items answered
/// 429 or 5xx are sent again after the longest Retry-After among them (bounded); so are whole batches that
/// failed in transit, after reconciling their creates. Items still failing after the last attempt keep their
/// last answer, so the caller reports them as throttled or transient.
/// </summary>
internal sealed partial class GraphBatch(
    GraphServiceClient client, RefreshTokenAuthenticationProvider auth, MicrosoftProviderOptions options, TimeProvider time, ILogger logger,
    ProviderTraffic? traffic = null)
{
    public const int MaxItems = 20;
    private static readonly Dictionary<string, ParsableFactory<IParsable>> ErrorMapping = new() { ["XXX"] = ODataError.CreateFromDiscriminatorValue };

    public async Task<BatchResult[]> SendAsync(IReadOnlyList<BatchItem> items, CancellationToken ct)
    {
        var final = new BatchResult?[items.Count];
        var last = new BatchResult?[items.Count];
        var uncertain = new bool[items.Count];
        for (var attempt = 1; ; attempt++)
        {
            var lastAttempt = attempt >= options.MaxBatchAttempts;
            var wait = TimeSpan.Zero;
            var unresolved = new HashSet<int>();
            for (var i = 0; i < items.Count; i++)
            {
                if (final[i] is not null || !uncertain[i] || items[i].Reconcile is not { } reconcile) continue;
                try
                {
                    // Not found is not "never happened": the folder's listing lags Graph's writes, so the item is
                    // not sent again here; the caller looks for it again later (IContactProvider.CreateAsync).
                    final[i] = await reconcile(ct) ?? BatchResult.Unconfirmed;
                    uncertain[i] = false;
                }
                catch (ProviderException e) when (e is ProviderThrottledException or ProviderUnavailableException)
                {
                    // Unknown whether the earlier attempt took effect: do not send it again until we know.
                    unresolved.Add(i);
                    wait = Max(wait, Backoff(attempt));
                    if (lastAttempt) final[i] = last[i];
                }
            }
            var pending = Enumerable.Range(0, items.Count).Where(i => final[i] is null && !unresolved.Contains(i)).ToList();
            if (pending.Count == 0 && unresolved.Count == 0) break;
            foreach (var chunk in pending.Chunk(MaxItems))
            {
                try
                {
                    foreach (var (i, result) in await SendChunkAsync(chunk, items, ct))
                    {
                        last[i] = result;
                        traffic?.Answer(result.Status);
                        if (lastAttempt || result.Status is not (429 or 500 or 502 or 503 or 504)) final[i] = result;
                        else
                        {
                            uncertain[i] = result.Status >= 500;
                            wait = Max(wait, result.RetryAfter ?? Backoff(attempt));
                        }
                    }
                }
                catch (Exception e) when (Transient(e, ct))
                {
                    if (e is ApiException { ResponseStatusCode: 401 } rejected) auth.Invalidate(auth.CurrentAccessToken);
                    var status = e is ApiException api ? api.ResponseStatusCode : 503;
                    foreach (var i in chunk)
                    {
                        uncertain[i] = true;
                        last[i] = new BatchResult(status, [], null);
                        if (lastAttempt) final[i] = last[i];
                    }
                    wait = Max(wait, e is ApiException { ResponseStatusCode: 429 } t ? GraphErrors.RetryAfter(t) : Backoff(attempt));
                    Log.BatchFailed(logger, chunk.Length, attempt, e.Message);
                }
            }
            if (final.All(r => r is not null)) break;
            Log.ItemsRetried(logger, final.Count(r => r is null), attempt, wait);
            if (pending.Count == 0 && wait == TimeSpan.Zero) wait = Backoff(attempt);
            if (wait > options.MaxRetryDelay) wait = options.MaxRetryDelay;
            await Task.Delay(wait, time, ct);
        }
        return final.Select(r => r!).ToArray();
    }

    private async Task<List<(int Index, BatchResult Result)>> SendChunkAsync(int[] chunk, IReadOnlyList<BatchItem> items, CancellationToken ct)
    {
        var content = new BatchRequestContentCollection(client, MaxItems);
        var ids = new List<(string Id, int Index)>();
        foreach (var i in chunk)
        {
            var info = items[i].Build();
            info.Headers.Add("Prefer", GraphPipeline.ImmutableIdPreference);
            ids.Add((await content.AddBatchRequestStepAsync(info), i));
        }
        var response = await client.Batch.PostAsync(content, ct, ErrorMapping);
        var results = new List<(int, BatchResult)>();
        foreach (var (id, i) in ids)
        {
            using var message = await response.GetResponseByIdAsync(id);
            var body = message.Content is null ? [] : await message.Content.ReadAsByteArrayAsync(ct);
            var retryAfter = message.Headers.RetryAfter?.Delta;
            results.Add((i, new BatchResult((int)message.StatusCode, body, retryAfter)));
        }
        return results;
    }

    private static bool Transient(Exception e, CancellationToken ct) =>
        GraphErrors.IsTransport(e, ct) || e is ApiException { ResponseStatusCode: 401 or 429 or >= 500 };

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(200 * (1 << attempt), 10_000));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "A Graph batch of {Count} requests failed on attempt {Attempt}: {Reason}")]
        public static partial void BatchFailed(ILogger logger, int count, int attempt, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Retrying {Count} throttled or failed batch items after attempt {Attempt} in {Wait}")]
        public static partial void ItemsRetried(ILogger logger, int count, int attempt, TimeSpan wait);
    }
}
