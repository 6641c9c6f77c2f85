using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Api.Infrastructure;

/// <summary>
/// A JSON body read as <see cref="JsonElement"/> is parsed without decoding its strings; an escaped lone surrogate
/// (<c>"\ud800"</c>) only fails later, when a string is read. Bodies are checked once up front, so such input is a
/// 400 like any other malformed JSON instead of surfacing in the middle of a handler.
/// </summary>
public static class JsonText
{
    public static ProblemHttpResult? Check(JsonElement body)
    {
        try
        {
            Walk(body);
            return null;
        }
        catch (InvalidOperationException)
        {
            return Problems.Status(400, "Malformed JSON", "The body contains a string that is not valid Unicode (an escaped lone surrogate).");
        }
    }

    private static void Walk(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    _ = p.Name;
                    Walk(p.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray()) Walk(item);
                break;
            case JsonValueKind.String:
                _ = e.GetString();
                break;
        }
    }
}
