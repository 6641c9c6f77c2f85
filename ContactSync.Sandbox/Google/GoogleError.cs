using System.Text.Json;

namespace ContactSync.Sandbox.Google;

/// <summary>
/// An error in Google's JSON format (<c>google.rpc.Status</c> inside <c>{"error": …}</c>), which the People API
/// uses for every failure. <paramref name="Reason"/> adds a <c>google.rpc.ErrorInfo</c> detail, which is what
/// clients must key on (the <c>status</c> string of some errors differs between observed responses).
/// </summary>
public sealed record GoogleError(int Code, string Status, string Message, string? Reason = null,
    IReadOnlyDictionary<string, string>? Metadata = null)
{
    public const string Domain = "people.googleapis.com";

    public static GoogleError NotFound() => new(404, "NOT_FOUND", "Requested entity was not found.");

    public static GoogleError Invalid(string message) => new(400, "INVALID_ARGUMENT", message);

    public static GoogleError Precondition(string message, string? reason = null) => new(400, "FAILED_PRECONDITION", message, reason);

    public static GoogleError Unauthenticated() => new(401, "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");

    public static GoogleError ExpiredSyncToken() => Precondition(
        "Sync token is expired. Clear local cache and retry call without the sync token.", "EXPIRED_SYNC_TOKEN");

    public static GoogleError StaleEtag() => Precondition(
        "Request person.etag is different than the current person.etag. Clear local cache and get the latest person.");

    public Task WriteAsync(HttpContext context, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        response.StatusCode = Code;
        response.ContentType = "application/json; charset=UTF-8";
        if (retryAfter is { } wait) response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Code == 401) response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
        using (var writer = new Utf8JsonWriter(response.BodyWriter, GoogleHttp.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteNumber("code", Code);
            writer.WriteString("message", Message);
            writer.WriteString("status", Status);
            if (Reason is not null)
            {
                writer.WriteStartArray("details");
                writer.WriteStartObject();
                writer.WriteString("@type", "type.googleapis.com/google.rpc.ErrorInfo");
                writer.WriteString("reason", Reason);
                writer.WriteString("domain", Domain);
                if (Metadata is not null)
                {
                    writer.WriteStartObject("metadata");
                    foreach (var (key, value) in Metadata) writer.WriteString(key, value);
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return response.BodyWriter.FlushAsync(context.RequestAborted).AsTask();
    }
}
