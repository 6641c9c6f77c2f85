using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;
using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Graph.Batch;
using ContactSync.Sandbox.Graph.OAuth;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ContactSync.Sandbox.Graph.Http;

/// <summary>The HTTP entry of every <c>/v1.0/…</c> call: bearer token check, body parsing, dispatch, and the
/// answer written straight to the response pipe.</summary>
public static class GraphEndpoint
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly ConcurrentDictionary<string, RouteEndpoint> StatsEndpoints = new();
    private const string ContentType = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8";

    public static async Task HandleAsync(HttpContext ctx, TokenStore tokens, GraphRouter router, BatchHandler batch, SandboxControl control)
    {
        var (caller, check) = tokens.Validate(BearerToken(ctx));
        if (caller is null)
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"";
            await WriteAsync(ctx, GraphResponse.Error(401, "InvalidAuthenticationToken", check switch
            {
                TokenStore.AccessCheck.Missing => "Access token is empty.",
                TokenStore.AccessCheck.Expired => "Lifetime validation failed, the token is expired.",
                _ => "IDX14100: JWT is not well formed, there are no dots (.).",
            }));
            return;
        }

        JsonDocument? document = null;
        try
        {
            if (ctx.Request.Method is "POST" or "PATCH" or "PUT" && ctx.Request.ContentLength is not 0)
            {
                try
                {
                    document = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
                }
                catch (JsonException)
                {
                    await WriteAsync(ctx, GraphResponse.BadRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.", "BadRequest"));
                    return;
                }
            }
            var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new GraphRequest(ctx.Request.Method, ctx.Request.Path.Value!["/v1.0".Length..],
                GraphRequest.ParseQuery(ctx.Request.QueryString.Value), headers, document?.RootElement, caller,
                $"{ctx.Request.Scheme}://{ctx.Request.Host}/v1.0", control.FaultsFor(GraphSandbox.ProviderName));

            GraphResponse response;
            string route;
            if (request.Path.TrimEnd('/') == "/$batch")
            {
                route = "/v1.0/$batch";
                response = request.Method == "POST"
                    ? await batch.ExecuteAsync(request, ctx.RequestAborted)
                    : GraphResponse.Error(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
            }
            else
            {
                (response, route) = await router.DispatchAsync(request, ctx.RequestAborted);
            }
            ctx.SetEndpoint(StatsEndpoints.GetOrAdd(route, r => new RouteEndpoint(_ => Task.CompletedTask, RoutePatternFactory.Parse(r), 0, null, r)));
            await WriteAsync(ctx, response);
        }
        finally
        {
            document?.Dispose();
        }
    }

    public static async Task WriteAsync(HttpContext ctx, GraphResponse response)
    {
        ctx.Response.StatusCode = response.Status;
        var requestId = Guid.NewGuid().ToString();
        ctx.Response.Headers["request-id"] = requestId;
        ctx.Response.Headers["client-request-id"] = ctx.Request.Headers["client-request-id"].FirstOrDefault() ?? requestId;
        foreach (var (name, value) in response.Headers) ctx.Response.Headers.Append(name, value);
        if (response.Body is null) return;
        ctx.Response.ContentType = ContentType;
        using (var writer = new Utf8JsonWriter(ctx.Response.BodyWriter, WriterOptions))
            response.Body(writer);
        await ctx.Response.BodyWriter.FlushAsync(ctx.RequestAborted);
    }

    public static string? BearerToken(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
