using System.Reflection;

namespace ContactSync.Api.Ops;

/// <summary>
/// <c>GET /ops</c>: the operator dashboard, plain HTML, CSS and JavaScript embedded in the assembly (no build step,
/// nothing from the internet). The page holds no secret: it asks for the operator key and keeps it in
/// sessionStorage, and every call it makes is an <c>/api/ops</c> call with that key. A strict Content-Security-Policy
/// allows only these files and calls to this origin, so an injected string can never run as script.
/// </summary>
public static class OpsPage
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/ops", "ops.html", "text/html; charset=utf-8"),
        ("/ops/ops.css", "ops.css", "text/css; charset=utf-8"),
        ("/ops/ops.js", "ops.js", "text/javascript; charset=utf-8"),
        ("/ops/icon.svg", "icon.svg", "image/svg+xml"),
    ];

    public static IEndpointRouteBuilder MapOpsPage(this IEndpointRouteBuilder app)
    {
        foreach (var (path, resource, contentType) in Files)
        {
            var bytes = Read(resource);
            app.MapGet(path, (HttpContext http) =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache";
                return TypedResults.Bytes(bytes, contentType);
            }).ExcludeFromDescription();
        }
        return app;
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"ContactSync.Api.Ops.Page.{name}")
            ?? throw new InvalidOperationException($"The ops page file {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
