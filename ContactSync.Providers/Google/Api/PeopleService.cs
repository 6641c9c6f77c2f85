using Google.Apis.Discovery;
using Google.Apis.Requests;
using Google.Apis.Services;
using Google.Apis.Util;

namespace ContactSync.Providers.Google.Api;

/// <summary>
/// The People API v1 service on the Google.Apis core, shaped like the generated Google.Apis.PeopleService.v1
/// package (which the registry copy lacks). The base URI can be overridden (the sandbox) and keeps its
/// trailing slash because every RestPath is relative (<c>v1/…</c>).
/// </summary>
public sealed class PeopleService(BaseClientService.Initializer initializer) : BaseClientService(initializer)
{
    public const string DefaultBaseUri = "https://people.googleapis.com/";

    public override string Name => "people";

    public override string BaseUri => BaseUriOverride ?? DefaultBaseUri;

    public override string BasePath => "";

    public override string BatchUri => BaseUri + "batch";

    public override string BatchPath => "batch";

    public override IList<string> Features => [];
}

/// <summary>Base of the People requests: the standard query parameters every generated request carries.</summary>
public abstract class PeopleServiceRequest<TResponse>(IClientService service) : ClientServiceRequest<TResponse>(service)
{
    [RequestParameter("fields", RequestParameterType.Query)]
    public virtual string? Fields { get; set; }

    [RequestParameter("quotaUser", RequestParameterType.Query)]
    public virtual string? QuotaUser { get; set; }

    protected override void InitParameters()
    {
        base.InitParameters();
        Query("fields");
        Query("quotaUser");
    }

    protected void Query(string name, bool required = false) =>
        RequestParameters.Add(name, new Parameter { Name = name, IsRequired = required, ParameterType = "query", DefaultValue = null, Pattern = null });

    protected void Path(string name, string pattern) =>
        RequestParameters.Add(name, new Parameter { Name = name, IsRequired = true, ParameterType = "path", DefaultValue = null, Pattern = pattern });
}
