using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ContactSync.AppHost;

/// <summary>
/// Fills the sandbox's demo Google account and Outlook mailbox (<see cref="DemoProviderData"/>) through the sandbox's
/// control API and the providers' own HTTP APIs, as a user's phone or mail client would have. Only when the account
/// holds none of the demo contacts yet, so a sandbox that keeps its state between runs is not filled twice.
/// </summary>
internal static class DemoProviders
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Seeded(string Email, int Created);

    public static async Task<Seeded> EnsureGoogleAsync(string sandboxUrl, CancellationToken ct)
    {
        using var http = await SignInAsync(sandboxUrl, "google", DemoProviderData.GoogleEmail, ct);
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? page = null;
        do
        {
            var list = await SendAsync(http, HttpMethod.Get,
                $"v1/people/me/connections?personFields=emailAddresses&pageSize=1000{(page is null ? "" : "&pageToken=" + Uri.EscapeDataString(page))}", null, ct);
            foreach (var person in list["connections"]?.AsArray() ?? [])
            foreach (var email in person?["emailAddresses"]?.AsArray() ?? [])
                if (email?["value"]?.GetValue<string>() is { } value) present.Add(value);
            page = list["nextPageToken"]?.GetValue<string>();
        } while (!string.IsNullOrEmpty(page));
        if (DemoProviderData.Google.Any(p => present.Contains(p.Email))) return new Seeded(DemoProviderData.GoogleEmail, 0);

        var groups = await SendAsync(http, HttpMethod.Get, "v1/contactGroups?pageSize=1000", null, ct);
        var group = groups["contactGroups"]?.AsArray()
            .FirstOrDefault(g => g?["name"]?.GetValue<string>() == DemoProviderData.GroupName)?["resourceName"]?.GetValue<string>()
            ?? (await SendAsync(http, HttpMethod.Post, "v1/contactGroups", new { contactGroup = new { name = DemoProviderData.GroupName } }, ct))
                ["resourceName"]!.GetValue<string>();

        foreach (var batch in DemoProviderData.Google.Chunk(200))
            await SendAsync(http, HttpMethod.Post, "v1/people:batchCreateContacts", new
            {
                contacts = batch.Select(p => new { contactPerson = GooglePerson(p, group) }),
                readMask = "names",
            }, ct);
        return new Seeded(DemoProviderData.GoogleEmail, DemoProviderData.Google.Count);
    }

    public static async Task<Seeded> EnsureMicrosoftAsync(string sandboxUrl, CancellationToken ct)
    {
        using var http = await SignInAsync(sandboxUrl, "microsoft", DemoProviderData.MicrosoftEmail, ct);
        var folders = await SendAsync(http, HttpMethod.Get, "v1.0/me/contactFolders?$top=100", null, ct);
        var folder = folders["value"]?.AsArray()
            .FirstOrDefault(f => f?["displayName"]?.GetValue<string>() == DemoProviderData.GroupName)?["id"]?.GetValue<string>();
        if (folder is not null)
        {
            var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            string? next = $"v1.0/me/contactFolders/{folder}/contacts?$select=emailAddresses&$top=500";
            while (next is not null)
            {
                var page = await SendAsync(http, HttpMethod.Get, next, null, ct);
                foreach (var contact in page["value"]?.AsArray() ?? [])
                foreach (var email in contact?["emailAddresses"]?.AsArray() ?? [])
                    if (email?["address"]?.GetValue<string>() is { } value) present.Add(value);
                next = page["@odata.nextLink"]?.GetValue<string>();
            }
            if (DemoProviderData.Microsoft.Any(p => present.Contains(p.Email))) return new Seeded(DemoProviderData.MicrosoftEmail, 0);
        }
        folder ??= (await SendAsync(http, HttpMethod.Post, "v1.0/me/contactFolders", new { displayName = DemoProviderData.GroupName }, ct))
            ["id"]!.GetValue<string>();

        // Graph's JSON batching: at most 20 requests a batch.
        foreach (var batch in DemoProviderData.Microsoft.Chunk(20))
        {
            var answer = await SendAsync(http, HttpMethod.Post, "v1.0/$batch", new
            {
                requests = batch.Select((p, i) => new
                {
                    id = $"{i + 1}",
                    method = "POST",
                    url = $"/me/contactFolders/{folder}/contacts",
                    headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
                    body = OutlookContact(p),
                }),
            }, ct);
            if (answer["responses"]?.AsArray().FirstOrDefault(r => r?["status"]?.GetValue<int>() is not (>= 200 and < 300)) is { } failed)
                throw new DemoSeedException($"Graph $batch item answered {failed["status"]}: {failed["body"]?.ToJsonString()}");
        }
        return new Seeded(DemoProviderData.MicrosoftEmail, DemoProviderData.Microsoft.Count);
    }

    private static object GooglePerson(DemoProviderData.Person p, string group)
    {
        var phones = new List<object>();
        if (p.WorkPhone is { } work) phones.Add(new { value = work, type = "work" });
        if (p.MobilePhone is { } mobile) phones.Add(new { value = mobile, type = "mobile" });
        var person = new Dictionary<string, object>
        {
            ["names"] = new[] { new { givenName = p.Given, familyName = p.Family } },
            ["emailAddresses"] = new[] { new { value = p.Email, type = "work" } },
            ["memberships"] = new[] { new { contactGroupMembership = new { contactGroupResourceName = group } } },
        };
        if (phones.Count > 0) person["phoneNumbers"] = phones;
        if (p.Company is not null || p.JobTitle is not null)
            person["organizations"] = new[] { new { name = p.Company, title = p.JobTitle } };
        return person;
    }

    private static object OutlookContact(DemoProviderData.Person p)
    {
        var contact = new Dictionary<string, object?>
        {
            ["givenName"] = p.Given,
            ["surname"] = p.Family,
            ["displayName"] = $"{p.Given} {p.Family}",
            ["emailAddresses"] = new[] { new { address = p.Email, name = $"{p.Given} {p.Family}" } },
        };
        if (p.WorkPhone is { } work) contact["businessPhones"] = new[] { work };
        if (p.MobilePhone is { } mobile) contact["mobilePhone"] = mobile;
        if (p.Company is { } company) contact["companyName"] = company;
        if (p.JobTitle is { } title) contact["jobTitle"] = title;
        return contact;
    }

    /// <summary>An HttpClient on the sandbox with a token of the account (created if missing).</summary>
    private static async Task<HttpClient> SignInAsync(string sandboxUrl, string provider, string email, CancellationToken ct)
    {
        var http = new HttpClient { BaseAddress = new Uri(sandboxUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            var account = await SendAsync(http, HttpMethod.Post, $"_sandbox/{provider}/accounts", new { email }, ct);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account["accessToken"]!.GetValue<string>());
            return http;
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw new DemoSeedException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text) ?? throw new DemoSeedException($"{method} {path} answered an empty body");
    }
}
