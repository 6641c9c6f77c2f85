using System.Text.Json;

namespace ContactSync.Sandbox.Graph.Http;

/// <summary>An answer to a <see cref="GraphRequest"/>. The body is written straight to a
/// <see cref="Utf8JsonWriter"/>, either the HTTP response or an item of a <c>$batch</c> answer.</summary>
public sealed class GraphResponse(int status, Action<Utf8JsonWriter>? body = null)
{
    public int Status { get; } = status;
    public Action<Utf8JsonWriter>? Body { get; } = body;
    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public bool IsSuccess => Status is >= 200 and < 300;

    public GraphResponse WithHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }

    public static GraphResponse Json(int status, Action<Utf8JsonWriter> body) => new(status, body);

    public static readonly GraphResponse NoContent = new(204);

    /// <summary>The Graph error format: <c>{"error":{"code","message","innerError":{…}}}</c>.</summary>
    public static GraphResponse Error(int status, string code, string message) => new(status, w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteStartObject("innerError");
        w.WriteString("date", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss"));
        w.WriteString("request-id", Guid.NewGuid().ToString());
        w.WriteString("client-request-id", Guid.NewGuid().ToString());
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static GraphResponse NotFound() =>
        Error(404, "ErrorItemNotFound", "The specified object was not found in the store.");

    public static GraphResponse BadRequest(string message, string code = "ErrorInvalidRequest") => Error(400, code, message);

    public static GraphResponse PreconditionFailed() => Error(412, "ErrorIrresolvableConflict",
        "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");

    public static GraphResponse UnknownSegment(string segment) =>
        Error(400, "BadRequest", $"Resource not found for the segment '{segment}'.");
}
