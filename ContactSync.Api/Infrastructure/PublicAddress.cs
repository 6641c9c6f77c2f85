using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ContactSync.Api.Infrastructure;

/// <summary>The API's public address (<c>ContactSync:PublicUrl</c>, the key the Projector reads for the same address).</summary>
public sealed class PublicAddressOptions : IValidatableObject
{
    public const string SectionName = "ContactSync";

    public Uri? PublicUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicUrl is { } uri && (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 ||
                                     uri.Query.Length > 0 || uri.Fragment.Length > 0))
            yield return new ValidationResult("ContactSync:PublicUrl must be an absolute http(s) address without user, query or fragment.",
                [nameof(PublicUrl)]);
    }
}

/// <summary>
/// Where the API is reached from outside: <c>ContactSync:PublicUrl</c>, or, when that is unset, the first address the
/// server is bound to (a wildcard host read as <c>localhost</c>). Never the request's <c>Host</c> header: with
/// <c>AllowedHosts</c> at <c>*</c> a client sends any Host it likes, and an address built from it would let the request
/// choose which origin counts as the API's own (return URLs) and where a provider sends the browser back (callbacks).
/// </summary>
public sealed class PublicAddress(IOptions<PublicAddressOptions> options, IServer server)
{
    private string? _bound;

    /// <summary>The root the API's paths hang from, without a trailing slash (a configured path included).</summary>
    public string Root(HttpRequest request) =>
        options.Value.PublicUrl is { } configured ? configured.AbsoluteUri.TrimEnd('/') : Bound() + request.PathBase;

    /// <summary><c>scheme://host[:port]</c> of <see cref="Root"/>.</summary>
    public string Origin(HttpRequest request) => new Uri(Root(request)).GetLeftPart(UriPartial.Authority);

    private string Bound() => _bound ??= BoundAddress(server.Features.Get<IServerAddressesFeature>()?.Addresses);

    internal static string BoundAddress(ICollection<string>? addresses)
    {
        // Kestrel reports what it listens on, e.g. http://127.0.0.1:5080, or http://[::]:8080 for http://+:8080.
        var first = addresses?.FirstOrDefault();
        if (first is null || !Uri.TryCreate(first.Replace("://+", "://localhost").Replace("://*", "://localhost"), UriKind.Absolute, out var uri))
            return "http://localhost";
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri.Scheme, host, uri.Port).Uri.GetLeftPart(UriPartial.Authority);
    }
}

public static class PublicAddressExtensions
{
    public static IHostApplicationBuilder AddPublicAddress(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PublicAddressOptions>().BindConfiguration(PublicAddressOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PublicAddress>();
        return builder;
    }
}
