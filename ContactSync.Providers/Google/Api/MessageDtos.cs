using Newtonsoft.Json;

namespace ContactSync.Providers.Google.Api;

// Request bodies and responses of the People API methods the adapter calls.

public sealed record ListConnectionsResponse
{
    [JsonProperty("connections")] public IList<Person>? Connections { get; init; }
    [JsonProperty("nextPageToken")] public string? NextPageToken { get; init; }
    [JsonProperty("nextSyncToken")] public string? NextSyncToken { get; init; }
    [JsonProperty("totalItems")] public int? TotalItems { get; init; }
}

public sealed record PersonResponse
{
    [JsonProperty("person")] public Person? Person { get; init; }
    [JsonProperty("requestedResourceName")] public string? RequestedResourceName { get; init; }
    [JsonProperty("httpStatusCode")] public int? HttpStatusCode { get; init; }
}

public sealed record GetPeopleResponse
{
    [JsonProperty("responses")] public IList<PersonResponse>? Responses { get; init; }
}

public sealed record ContactToCreate
{
    [JsonProperty("contactPerson")] public Person? ContactPerson { get; init; }
}

public sealed record BatchCreateContactsRequestBody
{
    [JsonProperty("contacts")] public IList<ContactToCreate>? Contacts { get; init; }
    [JsonProperty("readMask")] public string? ReadMask { get; init; }
}

public sealed record BatchCreateContactsResponse
{
    [JsonProperty("createdPeople")] public IList<PersonResponse>? CreatedPeople { get; init; }
}

public sealed record BatchUpdateContactsRequestBody
{
    [JsonProperty("contacts")] public IDictionary<string, Person>? Contacts { get; init; }
    [JsonProperty("updateMask")] public string? UpdateMask { get; init; }
    [JsonProperty("readMask")] public string? ReadMask { get; init; }
}

public sealed record BatchUpdateContactsResponse
{
    [JsonProperty("updateResult")] public IDictionary<string, PersonResponse>? UpdateResult { get; init; }
}

public sealed record BatchDeleteContactsRequestBody
{
    [JsonProperty("resourceNames")] public IList<string>? ResourceNames { get; init; }
}

/// <summary>The <c>Empty</c> message of delete methods.</summary>
public sealed record Empty;

public sealed record ContactGroup
{
    [JsonProperty("resourceName")] public string? ResourceName { get; init; }
    [JsonProperty("etag")] public string? ETag { get; init; }
    [JsonProperty("groupType")] public string? GroupType { get; init; }
    [JsonProperty("name")] public string? Name { get; init; }
    [JsonProperty("formattedName")] public string? FormattedName { get; init; }
    [JsonProperty("memberCount")] public int? MemberCount { get; init; }
    [JsonProperty("memberResourceNames")] public IList<string>? MemberResourceNames { get; init; }
}

public sealed record ListContactGroupsResponse
{
    [JsonProperty("contactGroups")] public IList<ContactGroup>? ContactGroups { get; init; }
    [JsonProperty("nextPageToken")] public string? NextPageToken { get; init; }
}

public sealed record CreateContactGroupRequestBody
{
    [JsonProperty("contactGroup")] public ContactGroup? ContactGroup { get; init; }
}

public sealed record ModifyContactGroupMembersRequestBody
{
    [JsonProperty("resourceNamesToAdd")] public IList<string>? ResourceNamesToAdd { get; init; }
    [JsonProperty("resourceNamesToRemove")] public IList<string>? ResourceNamesToRemove { get; init; }
}

public sealed record ModifyContactGroupMembersResponse
{
    [JsonProperty("notFoundResourceNames")] public IList<string>? NotFoundResourceNames { get; init; }
    [JsonProperty("canNotRemoveLastContactGroupResourceNames")] public IList<string>? CanNotRemoveLastContactGroupResourceNames { get; init; }
}
