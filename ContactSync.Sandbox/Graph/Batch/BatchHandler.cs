using System.Text;
using System.Text.Json;
using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Graph.Http;

namespace ContactSync.Sandbox.Graph.Batch;

/// <summary>
/// JSON batching (providers.md B8): at most 20 requests with unique ids, run one at a time (Outlook allows at
/// most 4 in parallel, so sequential is within the contract) in an order that honours <c>dependsOn</c>.
/// Dependents of a failed request get 424. Each item passes the fault settings on its own, so one item can
/// be throttled (429) while the others succeed, and is counted in the sandbox statistics on its own
/// (endpoint <c>"$batch item METHOD"</c>), so the faults injected into items show in <c>/_sandbox/stats</c>.
/// </summary>
public sealed class BatchHandler(GraphRouter router, SandboxControl control)
{
    public const int MaxRequests = 20;

    private sealed record Item(string Id, string Method, string Url, Dictionary<string, string> Headers, JsonElement? Body, string[] DependsOn);

    public async Task<GraphResponse> ExecuteAsync(GraphRequest batch, CancellationToken ct)
    {
        var (items, error) = Parse(batch.Body);
        if (error is not null) return GraphResponse.BadRequest(error, "BadRequest");
        if (Order(items!) is not { } order) return GraphResponse.BadRequest("The dependsOn graph of the batch is invalid.", "BadRequest");

        var results = new Dictionary<string, (Item Item, GraphResponse Response)>(StringComparer.Ordinal);
        foreach (var item in order)
        {
            GraphResponse response;
            if (item.DependsOn.Any(d => !results[d].Response.IsSuccess))
                response = GraphResponse.Error(424, "FailedDependency", "A request this request depends on failed.");
            else if (Fault(batch) is { } fault)
                response = fault;
            else
                response = (await router.DispatchAsync(ToRequest(batch, item), ct)).Response;
            results[item.Id] = (item, response);
            control.Record(GraphSandbox.ProviderName, $"$batch item {item.Method}", response.Status);
        }

        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("responses");
            foreach (var (id, (_, response)) in results)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteNumber("status", response.Status);
                w.WriteStartObject("headers");
                if (response.Body is not null) w.WriteString("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8");
                foreach (var (name, value) in response.Headers) w.WriteString(name, value);
                w.WriteEndObject();
                if (response.Body is not null)
                {
                    w.WritePropertyName("body");
                    response.Body(w);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static GraphResponse? Fault(GraphRequest batch)
    {
        var faults = batch.Faults;
        if (faults.Status429Rate > 0 && Random.Shared.NextDouble() < faults.Status429Rate)
            return GraphFaults.Throttled(TimeSpan.FromSeconds(faults.RetryAfterSeconds));
        if (faults.Status5xxRate > 0 && Random.Shared.NextDouble() < faults.Status5xxRate)
            return Random.Shared.Next(2) == 0 ? GraphFaults.ServerError() : GraphFaults.Unavailable(TimeSpan.FromSeconds(faults.RetryAfterSeconds));
        return null;
    }

    private static GraphRequest ToRequest(GraphRequest batch, Item item)
    {
        var url = item.Url;
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https") url = absolute.PathAndQuery;
        if (!url.StartsWith('/')) url = "/" + url;
        if (url.StartsWith("/v1.0/", StringComparison.Ordinal)) url = url[5..];
        var q = url.IndexOf('?');
        var path = Uri.UnescapeDataString(q < 0 ? url : url[..q]);
        var query = GraphRequest.ParseQuery(q < 0 ? null : url[q..]);
        return batch with { Method = item.Method, Path = path, Query = query, Headers = item.Headers, Body = item.Body };
    }

    private static (List<Item>? Items, string? Error) Parse(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } obj || !obj.TryGetProperty("requests", out var requests) ||
            requests.ValueKind != JsonValueKind.Array)
            return (null, "Invalid batch payload format.");
        if (requests.GetArrayLength() > MaxRequests)
            return (null, $"The number of requests in the batch exceeds the maximum of {MaxRequests}.");
        var items = new List<Item>();
        foreach (var r in requests.EnumerateArray())
        {
            string? Str(string n) => r.ValueKind == JsonValueKind.Object && r.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (Str("id") is not { Length: > 0 } id || Str("method") is not { Length: > 0 } method || Str("url") is not { Length: > 0 } url)
                return (null, "Each request of a batch needs an id, a method and a url.");
            if (items.Any(i => i.Id == id)) return (null, $"The batch contains the id '{id}' more than once.");
            if (url.TrimStart('/').StartsWith("$batch", StringComparison.OrdinalIgnoreCase)) return (null, "A batch cannot contain a batch.");
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (r.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
                foreach (var p in h.EnumerateObject()) headers[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            JsonElement? itemBody = null;
            if (r.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null)
            {
                if (!headers.ContainsKey("Content-Type")) return (null, $"Request '{id}' has a body but no Content-Type header.");
                itemBody = b.ValueKind == JsonValueKind.String ? DecodeBase64Json(b.GetString()!) : b;
                if (itemBody is null) return (null, $"The body of request '{id}' is not valid JSON.");
            }
            var dependsOn = r.TryGetProperty("dependsOn", out var d) && d.ValueKind == JsonValueKind.Array
                ? d.EnumerateArray().Select(e => e.GetString() ?? "").ToArray() : [];
            items.Add(new Item(id, method.ToUpperInvariant(), url, headers, itemBody, dependsOn));
        }
        return (items, null);
    }

    /// <summary>An execution order where every request comes after those it depends on; null when a
    /// dependency is unknown or circular.</summary>
    private static List<Item>? Order(List<Item> items)
    {
        var ids = items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        if (items.Any(i => i.DependsOn.Any(d => !ids.Contains(d) || d == i.Id))) return null;
        var done = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<Item>();
        while (order.Count < items.Count)
        {
            var next = items.FirstOrDefault(i => !done.Contains(i.Id) && i.DependsOn.All(done.Contains));
            if (next is null) return null;
            done.Add(next.Id);
            order.Add(next);
        }
        return order;
    }

    private static JsonElement? DecodeBase64Json(string value)
    {
        var buffer = new byte[value.Length];
        if (!Convert.TryFromBase64String(value, buffer, out var n)) return null;
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, n));
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
