using System.Text;

namespace ContactSync.Api.Tests.Fuzz;

/// <summary>The hostile request corpus: each one is refused for a reason that does not depend on timing.</summary>
public static class HostileRequests
{
    public enum Who { Anonymous, Admin, User, Operator }

    public sealed record Targets(Guid Contact, Guid Hidden, Guid Foreign, Guid List, Guid User, Guid ForeignUser, string TakenEmail);

    public sealed record Hostile(string Description, Who As, HttpMethod Method, string Url, string? Body, string? IfMatch = null,
        string ContentType = "application/json", string? Authorization = null)
    {
        public HttpRequestMessage Build()
        {
            var request = new HttpRequestMessage(Method, Url);
            if (Body is not null) request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body)) { Headers = { { "Content-Type", ContentType } } };
            // A server refuses an oversized body without reading it and closes the connection; a client that asks
            // first (100-continue) reads that 413 instead of failing while still uploading.
            if (Body is { Length: > 64 * 1024 }) request.Headers.ExpectContinue = true;
            if (IfMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", IfMatch);
            if (Authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", Authorization);
            return request;
        }
    }

    private static readonly string[] MalformedJson =
    [
        "{", "[", "nul", "{\"a\":}", "{'single': 1}", "{\"a\":1,}", "{\"name\": {\"given\": \"x\"", "\u0000", "{\"a\" 1}",
        "tru", "{\"emails\": [}", "}{", "{\"a\":\"\\uZZZZ\"}", "{\"a\":01}", "{\"a\": NaN}", "{\"a\": Infinity}", "\"unterminated",
        new string('[', 5000), new string('{', 3000), "{\"a\":" + new string('[', 100) + new string(']', 100) + "}",
        "{\"notes\": \"x\"} trailing", "<xml/>", "\uFEFF{", "{\"a\":1}{\"b\":2}",
    ];

    private static readonly string[] HostileText =
    [
        "<script>alert(1)</script>", "'; DROP TABLE rm.contacts; --", "a\u0001b", "\u202Eevil", "x\u0000y", "\uD800", "{{7*7}}",
        "../../etc/passwd", "%00", "\r\nSet-Cookie: a=b", new string('x', 300), "\u200B", "${jndi:ldap://x}", "\t\u0007",
    ];

    // Bodies of the right JSON syntax that every contact endpoint must refuse (422): wrong types, unknown members,
    // out-of-range values, hostile text in fields that refuse it.
    private static IEnumerable<string> BadContactBodies(Targets t)
    {
        yield return "{\"emails\": \"x\"}";
        yield return "{\"name\": 5}";
        yield return "{\"tags\": [1, 2]}";
        yield return "{\"birthday\": \"2020-01-01\"}";
        yield return "{\"birthday\": {\"month\": 13, \"day\": 1}}";
        yield return "{\"phones\": [{\"value\": 5}]}";
        yield return "{\"visibility\": 3}";
        yield return "{\"visibility\": \"everyone\"}";
        yield return "{\"ownerId\": 7}";
        yield return $"{{\"ownerId\": \"{t.ForeignUser}\"}}";
        yield return $"{{\"followerIds\": [\"{t.ForeignUser}\"]}}";
        yield return "{\"followerIds\": \"x\"}";
        yield return "{\"unknownField\": 1}";
        yield return "[]";
        yield return "\"string\"";
        yield return "42";
        yield return "{\"websites\": [{\"url\": \"javascript:alert(1)\"}]}";
        yield return "{\"photoUrl\": \"ftp://x\"}";
        yield return "{\"emails\": [{\"value\": \"a@b\"}]}";
        yield return $"{{\"tags\": [{string.Join(",", Enumerable.Range(0, 150).Select(i => $"\"t{i}\""))}]}}";
        yield return $"{{\"notes\": \"{new string('n', 20_001)}\"}}";
        yield return "{\"name\": {\"nick\": \"x\"}}";
        foreach (var text in HostileText)
        {
            var json = System.Text.Json.JsonSerializer.Serialize(text);
            // Hostile text next to a field that is always wrong, so the request is refused whatever the text does.
            yield return $"{{\"notes\": {json}, \"emails\": \"not a list\"}}";
            yield return $"{{\"name\": {{\"given\": {json}}}, \"visibility\": \"nobody\"}}";
            yield return $"{{\"tags\": [{json}], \"birthday\": 1}}";
            yield return $"{{{json}: 1}}";
        }
    }

    public static IEnumerable<Hostile> All(Targets t)
    {
        var contactUrls = new[] { $"/api/contacts/{t.Contact}" };
        var missingIds = new[] { Guid.NewGuid(), t.Foreign, Guid.Empty };
        var random = new Random(20261122);

        // Malformed JSON everywhere a body is read.
        var bodyEndpoints = new (Who, HttpMethod, string)[]
        {
            (Who.Admin, HttpMethod.Post, "/api/contacts"), (Who.Admin, HttpMethod.Patch, contactUrls[0]),
            (Who.Admin, HttpMethod.Post, "/api/users"), (Who.Admin, HttpMethod.Patch, $"/api/users/{t.User}"),
            (Who.Admin, HttpMethod.Post, "/api/roles"), (Who.Admin, HttpMethod.Post, "/api/lists"),
            (Who.Admin, HttpMethod.Patch, $"/api/lists/{t.List}"), (Who.Operator, HttpMethod.Post, "/api/tenants"),
            (Who.Admin, HttpMethod.Post, "/api/connections"), (Who.Admin, HttpMethod.Patch, $"/api/connections/{t.Contact}"),
        };
        foreach (var (who, method, url) in bodyEndpoints)
        {
            foreach (var json in MalformedJson) yield return new($"malformed {method} {url}", who, method, url, json);
            yield return new($"huge {method} {url}", who, method, url, "{\"notes\": \"" + new string('x', 1_100_000) + "\"}");
            yield return new($"text/plain {method} {url}", who, method, url, "{}", ContentType: "text/plain");
            for (var i = 0; i < 8; i++)
            {
                var bytes = new byte[random.Next(1, 64)];
                random.NextBytes(bytes);
                yield return new($"random bytes {method} {url}", who, method, url, Encoding.Latin1.GetString(bytes));
            }
        }

        foreach (var body in BadContactBodies(t))
        {
            yield return new("bad contact create", Who.Admin, HttpMethod.Post, "/api/contacts", body);
            yield return new("bad contact patch", Who.Admin, HttpMethod.Patch, contactUrls[0], body);
            yield return new("bad contact patch as user", Who.User, HttpMethod.Patch, $"/api/contacts/{t.Hidden}", body);
        }

        // Valid bodies against ids that are unknown, foreign or invisible: 404, nothing written.
        foreach (var id in missingIds.Append(t.Hidden))
        {
            var who = id == t.Hidden ? Who.User : Who.Admin;
            foreach (var text in HostileText)
            {
                var json = System.Text.Json.JsonSerializer.Serialize(text.Length > 100 ? text[..100] : text);
                yield return new("patch missing", who, HttpMethod.Patch, $"/api/contacts/{id}", $"{{\"company\": {json}}}");
            }
            yield return new("delete missing", who, HttpMethod.Delete, $"/api/contacts/{id}", null);
            yield return new("restore missing", who, HttpMethod.Post, $"/api/contacts/{id}/restore", null);
            yield return new("history missing", who, HttpMethod.Get, $"/api/contacts/{id}/history", null);
            yield return new("get missing", who, HttpMethod.Get, $"/api/contacts/{id}", null);
            yield return new("asOf missing", who, HttpMethod.Get, $"/api/contacts/{id}?asOf=2020-01-01T00:00:00Z", null);
            yield return new("list missing", Who.Admin, HttpMethod.Get, $"/api/lists/{id}", null);
            yield return new("list contacts missing", Who.Admin, HttpMethod.Get, $"/api/lists/{id}/contacts", null);
            yield return new("patch list missing", Who.Admin, HttpMethod.Patch, $"/api/lists/{id}", "{\"name\": \"<b>x</b>\"}");
            yield return new("delete list missing", Who.Admin, HttpMethod.Delete, $"/api/lists/{id}", null);
            yield return new("contacts of missing list", Who.Admin, HttpMethod.Get, $"/api/contacts?listId={id}", null);
        }
        foreach (var id in new[] { Guid.NewGuid(), t.ForeignUser })
        {
            yield return new("patch missing user", Who.Admin, HttpMethod.Patch, $"/api/users/{id}", "{\"name\": \"<i>x</i>\"}");
            yield return new("key for missing user", Who.Admin, HttpMethod.Post, $"/api/users/{id}/keys", null);
            yield return new("revoke missing key", Who.Admin, HttpMethod.Delete, $"/api/users/{id}/keys/{Guid.NewGuid()}", null);
        }
        yield return new("revoke unknown key", Who.Admin, HttpMethod.Delete, $"/api/users/{t.User}/keys/{Guid.NewGuid()}", null);

        // Bad If-Match with an otherwise valid change.
        foreach (var tag in new[] { "\"99\"", "\"-1\"", "garbage", "W/\"x\"", "\"1\", \"2\"", "\"\"", "\"0x1\"", "\"9223372036854775808\"", "\"1", "*\"" })
        {
            yield return new("bad If-Match patch", Who.Admin, HttpMethod.Patch, contactUrls[0], "{\"notes\": \"changed\"}", tag);
            yield return new("bad If-Match delete", Who.Admin, HttpMethod.Delete, contactUrls[0], null, tag);
            yield return new("bad If-Match restore", Who.Admin, HttpMethod.Post, $"{contactUrls[0]}/restore", null, tag);
        }

        // Bad query values and cursors.
        var badValues = new[] { "-1", "0", "501", "99999999999999999999", "1e3", "", "abc", "%00", "<script>", "\u0001", "true", "1.5" };
        foreach (var v in badValues.Select(Uri.EscapeDataString))
        {
            foreach (var path in new[] { "/api/contacts", "/api/users", "/api/lists", "/api/audit", $"/api/contacts/{t.Contact}/history", $"/api/lists/{t.List}/contacts" })
            {
                yield return new("bad limit", Who.Admin, HttpMethod.Get, $"{path}?limit={v}", null);
                yield return new("bad cursor", Who.Admin, HttpMethod.Get, $"{path}?cursor={v}x", null);
            }
            yield return new("bad includeDeleted", Who.Admin, HttpMethod.Get, $"/api/contacts?includeDeleted={v}x", null);
            yield return new("bad includeDeleted by id", Who.Admin, HttpMethod.Get, $"/api/contacts/{t.Contact}?includeDeleted={v}x", null);
            yield return new("bad asOf", Who.Admin, HttpMethod.Get, $"/api/contacts/{t.Contact}?asOf={v}x", null);
            yield return new("bad ownerId", Who.Admin, HttpMethod.Get, $"/api/contacts?ownerId={v}x", null);
            yield return new("bad listId", Who.Admin, HttpMethod.Get, $"/api/contacts?listId={v}x", null);
            yield return new("bad minPosition", Who.Admin, HttpMethod.Get, $"/api/contacts?minPosition={v}x", null);
            yield return new("bad audit from", Who.Admin, HttpMethod.Get, $"/api/audit?from={v}x", null);
            yield return new("bad audit contactId", Who.Admin, HttpMethod.Get, $"/api/audit?contactId={v}x", null);
        }
        foreach (var cursor in new[] { "YTox", "Yzp6enp6", "aDp4", "aDotMQ", new string('A', 300), "====", "Yzo" + new string('x', 50) })
        {
            yield return new("foreign cursor", Who.Admin, HttpMethod.Get, $"/api/contacts?cursor={cursor}", null);
            yield return new("foreign cursor history", Who.Admin, HttpMethod.Get, $"/api/contacts/{t.Contact}/history?cursor={cursor}", null);
            yield return new("foreign cursor audit", Who.Admin, HttpMethod.Get, $"/api/audit?cursor={cursor}", null);
        }
        foreach (var text in HostileText)
        {
            var q = Uri.EscapeDataString(text) + "%01";
            yield return new("hostile q", Who.Admin, HttpMethod.Get, $"/api/contacts?q={q}", null);
            yield return new("hostile tag", Who.Admin, HttpMethod.Get, $"/api/contacts?tag={q}", null);
        }
        yield return new("long q", Who.Admin, HttpMethod.Get, $"/api/contacts?q={new string('q', 5000)}", null);

        // Users, roles, lists and tenants with bodies of the right syntax but wrong content.
        string[] badUsers =
        [
            "{}", "{\"name\": \"x\"}", "{\"email\": \"a@example.com\"}", "{\"name\": 1, \"email\": \"a@example.com\"}",
            "{\"name\": \"x\", \"email\": \"nope\"}", $"{{\"name\": \"x\", \"email\": \"{t.TakenEmail.ToUpperInvariant()}\"}}",
            "{\"name\": \"x\", \"email\": \"a@example.com\", \"roleId\": \"" + Guid.NewGuid() + "\"}",
            "{\"name\": \"x\", \"email\": \"a@example.com\", \"permissions\": [\"root\"]}",
            "{\"name\": \"x\", \"email\": \"a@example.com\", \"isAdmin\": \"yes\"}",
            "{\"name\": \"x\", \"email\": \"a@example.com\", \"active\": false}", "{\"name\": \"\\u0001\", \"email\": \"a@example.com\"}",
        ];
        foreach (var body in badUsers) yield return new("bad user", Who.Admin, HttpMethod.Post, "/api/users", body);
        foreach (var body in new[] { "{\"name\": \"\"}", "{\"roleId\": 5}", "{\"active\": true}", "{\"email\": \"bad\"}", $"{{\"email\": \"{t.TakenEmail}\"}}", "{\"permissions\": \"x\"}", "{\"bogus\": 1}" })
            yield return new("bad user patch", Who.Admin, HttpMethod.Patch, $"/api/users/{t.User}", body);
        yield return new("user creates user", Who.User, HttpMethod.Post, "/api/users", "{\"name\": \"x\", \"email\": \"x@example.com\"}");
        yield return new("user patches user", Who.User, HttpMethod.Patch, $"/api/users/{t.User}", "{\"isAdmin\": true}");
        foreach (var body in new[] { "{}", "{\"name\": \"\"}", "{\"name\": \"x\", \"parentId\": \"" + Guid.NewGuid() + "\"}", "{\"name\": \"" + new string('r', 201) + "\"}", "{\"name\": 3}" })
            yield return new("bad role", Who.Admin, HttpMethod.Post, "/api/roles", body);
        yield return new("user creates role", Who.User, HttpMethod.Post, "/api/roles", "{\"name\": \"r\"}");
        foreach (var body in new[] { "{}", "{\"name\": \"\"}", "{\"name\": \"x\", \"filter\": {\"ownerIds\": [\"" + t.ForeignUser + "\"]}}", "{\"name\": \"x\", \"filter\": {\"q\": \"" + new string('q', 201) + "\"}}", "{\"name\": \"x\", \"filter\": 3}" })
        {
            yield return new("bad list", Who.Admin, HttpMethod.Post, "/api/lists", body);
            yield return new("bad list patch", Who.Admin, HttpMethod.Patch, $"/api/lists/{t.List}", body == "{}" ? "{\"name\": \" \"}" : body);
        }
        yield return new("user patches admin list", Who.User, HttpMethod.Patch, $"/api/lists/{t.List}", "{\"name\": \"mine\"}");
        yield return new("user deletes admin list", Who.User, HttpMethod.Delete, $"/api/lists/{t.List}", null);
        foreach (var body in new[] { "{}", "{\"name\": \"x\"}", "{\"name\": \"x\", \"admin\": {\"name\": \"y\"}}", "{\"name\": \"\", \"admin\": {\"name\": \"y\", \"email\": \"y@example.com\"}}", "{\"name\": \"x\", \"admin\": {\"name\": \"y\", \"email\": \"no\"}}" })
            yield return new("bad tenant", Who.Operator, HttpMethod.Post, "/api/tenants", body);
        yield return new("admin creates tenant", Who.Admin, HttpMethod.Post, "/api/tenants", "{\"name\": \"x\", \"admin\": {\"name\": \"y\", \"email\": \"y@example.com\"}}");
        yield return new("user rebuilds", Who.User, HttpMethod.Post, "/api/ops/projections/contacts/rebuild", null);
        yield return new("admin rebuilds", Who.Admin, HttpMethod.Post, "/api/ops/projections/contacts/rebuild", null);
        yield return new("admin reads ops", Who.Admin, HttpMethod.Get, "/api/ops/status", null);
        yield return new("admin syncs as operator", Who.Admin, HttpMethod.Post, $"/api/ops/connections/{Guid.NewGuid()}/sync", null);
        yield return new("rebuild unknown", Who.Operator, HttpMethod.Post, "/api/ops/projections/nothing/rebuild", null);
        yield return new("rebuild hostile name", Who.Operator, HttpMethod.Post, $"/api/ops/projections/{Uri.EscapeDataString("contacts'; --")}/rebuild", null);
        foreach (var step in new[] { "sync", "pause", "resume" })
        {
            yield return new("operator steps unknown connection", Who.Operator, HttpMethod.Post, $"/api/ops/connections/{Guid.NewGuid()}/{step}", null);
            yield return new("operator steps bad id", Who.Operator, HttpMethod.Post, $"/api/ops/connections/not-a-guid/{step}", null);
        }
        yield return new("operator writes contact", Who.Operator, HttpMethod.Post, "/api/contacts", "{\"notes\": \"x\"}");

        // Authentication.
        foreach (var auth in new[] { "Bearer ", "Bearer x", "Bearer csk_", "Bearer " + new string('k', 300), "Basic Zm9vOmJhcg==", "bearer\u0001x", "Bearer csk_" + Guid.NewGuid().ToString("N") + "_" + new string('A', 43) })
        {
            yield return new("bad key create", Who.Anonymous, HttpMethod.Post, "/api/contacts", "{\"notes\": \"x\"}", Authorization: auth);
            yield return new("bad key read", Who.Anonymous, HttpMethod.Get, "/api/contacts", null, Authorization: auth);
            yield return new("bad key tenant", Who.Anonymous, HttpMethod.Post, "/api/tenants", "{\"name\": \"x\", \"admin\": {\"name\": \"y\", \"email\": \"y@example.com\"}}", Authorization: auth);
        }

        // Routes and methods that do not exist.
        foreach (var (method, url) in new[] { (HttpMethod.Put, contactUrls[0]), (HttpMethod.Get, "/api/nothing"), (HttpMethod.Delete, "/api/contacts"), (HttpMethod.Get, "/api/contacts/" + new string('9', 40)), (HttpMethod.Post, "/api/contacts/x/restore") })
            yield return new("no such route", Who.Admin, method, url, method == HttpMethod.Put ? "{}" : null);
    }
}
