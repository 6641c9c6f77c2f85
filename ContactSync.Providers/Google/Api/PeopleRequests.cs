using Google.Apis.Services;
using Google.Apis.Util;

namespace ContactSync.Providers.Google.Api;

// people.* methods (providers.md A1), one request class each, as the generated package has them.

public sealed class ListConnectionsRequest : PeopleServiceRequest<ListConnectionsResponse>
{
    public ListConnectionsRequest(IClientService service, string resourceName) : base(service)
    {
        ResourceName = resourceName;
        InitParameters();
    }

    [RequestParameter("resourceName", RequestParameterType.Path)] public string ResourceName { get; }
    [RequestParameter("personFields", RequestParameterType.Query)] public string? PersonFields { get; set; }
    [RequestParameter("pageSize", RequestParameterType.Query)] public int? PageSize { get; set; }
    [RequestParameter("pageToken", RequestParameterType.Query)] public string? PageToken { get; set; }
    [RequestParameter("requestSyncToken", RequestParameterType.Query)] public bool? RequestSyncToken { get; set; }
    [RequestParameter("syncToken", RequestParameterType.Query)] public string? SyncToken { get; set; }

    public override string MethodName => "list";
    public override string HttpMethod => "GET";
    public override string RestPath => "v1/{+resourceName}/connections";

    protected override void InitParameters()
    {
        base.InitParameters();
        Path("resourceName", "^people/[^/]+$");
        foreach (var name in new[] { "personFields", "pageSize", "pageToken", "requestSyncToken", "syncToken" }) Query(name);
    }
}

public sealed class GetBatchGetRequest : PeopleServiceRequest<GetPeopleResponse>
{
    public GetBatchGetRequest(IClientService service) : base(service) => InitParameters();

    [RequestParameter("resourceNames", RequestParameterType.Query)] public Repeatable<string>? ResourceNames { get; set; }
    [RequestParameter("personFields", RequestParameterType.Query)] public string? PersonFields { get; set; }

    public override string MethodName => "getBatchGet";
    public override string HttpMethod => "GET";
    public override string RestPath => "v1/people:batchGet";

    protected override void InitParameters()
    {
        base.InitParameters();
        Query("resourceNames");
        Query("personFields");
    }
}

public sealed class CreateContactRequest : PeopleServiceRequest<Person>
{
    public CreateContactRequest(IClientService service, Person body) : base(service)
    {
        Body = body;
        InitParameters();
    }

    public Person Body { get; }
    [RequestParameter("personFields", RequestParameterType.Query)] public string? PersonFields { get; set; }

    public override string MethodName => "createContact";
    public override string HttpMethod => "POST";
    public override string RestPath => "v1/people:createContact";
    protected override object GetBody() => Body;

    protected override void InitParameters()
    {
        base.InitParameters();
        Query("personFields");
    }
}

public sealed class UpdateContactRequest : PeopleServiceRequest<Person>
{
    public UpdateContactRequest(IClientService service, Person body, string resourceName) : base(service)
    {
        Body = body;
        ResourceName = resourceName;
        InitParameters();
    }

    public Person Body { get; }
    [RequestParameter("resourceName", RequestParameterType.Path)] public string ResourceName { get; }
    [RequestParameter("updatePersonFields", RequestParameterType.Query)] public string? UpdatePersonFields { get; set; }
    [RequestParameter("personFields", RequestParameterType.Query)] public string? PersonFields { get; set; }

    public override string MethodName => "updateContact";
    public override string HttpMethod => "PATCH";
    public override string RestPath => "v1/{+resourceName}:updateContact";
    protected override object GetBody() => Body;

    protected override void InitParameters()
    {
        base.InitParameters();
        Path("resourceName", "^people/[^/]+$");
        Query("updatePersonFields");
        Query("personFields");
    }
}

public sealed class DeleteContactRequest : PeopleServiceRequest<Empty>
{
    public DeleteContactRequest(IClientService service, string resourceName) : base(service)
    {
        ResourceName = resourceName;
        InitParameters();
    }

    [RequestParameter("resourceName", RequestParameterType.Path)] public string ResourceName { get; }

    public override string MethodName => "deleteContact";
    public override string HttpMethod => "DELETE";
    public override string RestPath => "v1/{+resourceName}:deleteContact";

    protected override void InitParameters()
    {
        base.InitParameters();
        Path("resourceName", "^people/[^/]+$");
    }
}

public sealed class BatchCreateContactsRequest(IClientService service, BatchCreateContactsRequestBody body)
    : BodyRequest<BatchCreateContactsRequestBody, BatchCreateContactsResponse>(service, body, "batchCreateContacts", "v1/people:batchCreateContacts");

public sealed class BatchUpdateContactsRequest(IClientService service, BatchUpdateContactsRequestBody body)
    : BodyRequest<BatchUpdateContactsRequestBody, BatchUpdateContactsResponse>(service, body, "batchUpdateContacts", "v1/people:batchUpdateContacts");

public sealed class BatchDeleteContactsRequest(IClientService service, BatchDeleteContactsRequestBody body)
    : BodyRequest<BatchDeleteContactsRequestBody, Empty>(service, body, "batchDeleteContacts", "v1/people:batchDeleteContacts");

/// <summary>A POST whose only input is its body (the batch methods).</summary>
public abstract class BodyRequest<TBody, TResponse> : PeopleServiceRequest<TResponse> where TBody : class
{
    protected BodyRequest(IClientService service, TBody body, string methodName, string restPath) : base(service)
    {
        Body = body;
        MethodName = methodName;
        RestPath = restPath;
        InitParameters();
    }

    public TBody Body { get; }
    public override string MethodName { get; }
    public override string HttpMethod => "POST";
    public override string RestPath { get; }
    protected override object GetBody() => Body;
}
