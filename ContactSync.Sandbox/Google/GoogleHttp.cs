using System.Globalization;
using System.Text.Json;

namespace ContactSync.Sandbox.Google;

/// <summary>Request and response plumbing shared by the Google endpoints (hand-written JSON for speed).</summary>
public static class GoogleHttp
{
    /// <summary>Google escapes only what JSON requires; the default encoder's \u002B for "+" would be legal
    /// but unlike the real API.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static readonly JsonSerializerOptions SerializerOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static Task WriteEmptyAsync(HttpContext context) => WriteJsonAsync(context, 200, _ => { });

    /// <summary>Reads a JSON object body; writes Google's 400 and returns null when it is missing or malformed.</summary>
    public static async Task<JsonDocument?> ReadBodyAsync(HttpContext context)
    {
        try
        {
            // Google.Apis gzips request bodies by default, and Google accepts them.
            var body = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
                ? new System.IO.Compression.GZipStream(context.Request.Body, System.IO.Compression.CompressionMode.Decompress)
                : context.Request.Body;
            var document = await JsonDocument.ParseAsync(body, default, context.RequestAborted);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
            document.Dispose();
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            // Reported below in Google's words; the parser's message is not part of the contract.
        }
        await GoogleError.Invalid("Invalid JSON payload received.").WriteAsync(context);
        return null;
    }

    /// <summary>
    /// Google accepts a GET sent as POST with <c>X-HTTP-Method-Override: GET</c> and the query string as a form
    /// body; Google.Apis does that when a URL passes 2,048 characters (a getBatchGet of 200 names does).
    /// </summary>
    public static RequestDelegate AllowingGetOverride(RequestDelegate get) => async context =>
    {
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (!string.Equals(context.Request.Headers["X-HTTP-Method-Override"], "GET", StringComparison.OrdinalIgnoreCase))
            {
                await GoogleError.NotFound().WriteAsync(context);
                return;
            }
            using var reader = new StreamReader(context.Request.Body);
            var form = await reader.ReadToEndAsync(context.RequestAborted);
            context.Request.QueryString = context.Request.QueryString.Add(new QueryString("?" + form.TrimStart('?')));
        }
        await get(context);
    };

    public static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;

    public static bool QueryBool(HttpContext context, string name) =>
        bool.TryParse(Query(context, name), out var b) && b;

    /// <summary>Parses an integer query parameter; null when absent, an error when malformed or out of range.</summary>
    public static GoogleError? QueryInt(HttpContext context, string name, int min, int max, out int? value)
    {
        value = null;
        var raw = Query(context, name);
        if (string.IsNullOrEmpty(raw)) return null;
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            return GoogleError.Invalid($"Invalid value at '{name}' (TYPE_INT32), \"{raw}\"");
        if (parsed < min || parsed > max) return GoogleError.Invalid($"{name} must be between {min} and {max}.");
        value = parsed;
        return null;
    }

    public static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
