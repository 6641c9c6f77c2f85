using Google.Apis.Services;
using Google.Apis.Util;

namespace ContactSync.Providers.Google.Api;

// contactGroups.* methods (providers.md A1, A5).

public sealed class ListContactGroupsRequest : PeopleServiceRequest<ListContactGroupsResponse>
{
    public ListContactGroupsRequest(IClientService service) : base(service) => InitParameters();

    [RequestParameter("pageSize", RequestParameterType.Query)] public int? PageSize { get; set; }
    [RequestParameter("pageToken", RequestParameterType.Query)] public string? PageToken { get; set; }
    [RequestParameter("groupFields", RequestParameterType.Query)] public string? GroupFields { get; set; }

    public override string MethodName => "list";
    public override string HttpMethod => "GET";
    public override string RestPath => "v1/contactGroups";

    protected override void InitParameters()
    {
        base.InitParameters();
        Query("pageSize");
        Query("pageToken");
        Query("groupFields");
    }
}

public sealed class CreateContactGroupRequest(IClientService service, CreateContactGroupRequestBody body)
    : BodyRequest<CreateContactGroupRequestBody, ContactGroup>(service, body, "create", "v1/contactGroups");

public sealed class ModifyContactGroupMembersRequest : PeopleServiceRequest<ModifyContactGroupMembersResponse>
{
    public ModifyContactGroupMembersRequest(IClientService service, ModifyContactGroupMembersRequestBody body, string resourceName) : base(service)
    {
        Body = body;
        ResourceName = resourceName;
        InitParameters();
    }

    public ModifyContactGroupMembersRequestBody Body { get; }
    [RequestParameter("resourceName", RequestParameterType.Path)] public string ResourceName { get; }

    public override string MethodName => "modify";
    public override string HttpMethod => "POST";
    public override string RestPath => "v1/{+resourceName}/members:modify";
    protected override object GetBody() => Body;

    protected override void InitParameters()
    {
        base.InitParameters();
        Path("resourceName", "^contactGroups/[^/]+$");
    }
}
