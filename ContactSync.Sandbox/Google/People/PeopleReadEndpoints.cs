using System.Text.Json;
using ContactSync.Sandbox.Google.Store;

namespace ContactSync.Sandbox.Google.People;

/// <summary>people.connections.list, people.get and people.getBatchGet.</summary>
public static class PeopleReadEndpoints
{
    private const int MaxBatchGet = 200;

    public static void MapPeopleReads(this IEndpointRouteBuilder app, GoogleSandbox google)
    {
        app.MapMethods("v1/people/me/connections", [HttpMethods.Get, HttpMethods.Post], GoogleHttp.AllowingGetOverride(context => ListConnections(context, google)));
        app.MapMethods("v1/people:batchGet", [HttpMethods.Get, HttpMethods.Post], GoogleHttp.AllowingGetOverride(context => BatchGet(context, google)));
        app.MapGet("v1/people/{id}", context => Get(context, google));
    }

    /// <summary>Parses a required read mask; writes the 400 and returns null when it is missing or invalid.</summary>
    public static async Task<PersonFields?> ReadMaskAsync(HttpContext context, string parameter, bool required)
    {
        var raw = GoogleHttp.Query(context, parameter) ?? GoogleHttp.Query(context, "requestMask.includeField");
        var mask = PersonFields.TryParse(raw, PersonFields.Readable, out var invalid);
        if (mask is not null || (!required && invalid is null)) return mask ?? PersonFields.All;
        await GoogleError.Invalid(invalid is null
            ? $"{parameter} mask is required. Please specify one or more valid paths. Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get."
            : $"Invalid {parameter} mask path: \"{invalid}\". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.").WriteAsync(context);
        return null;
    }

    /// <remarks>
    /// Listings come oldest change first (LAST_MODIFIED_ASCENDING, the default); <c>sortOrder</c> is accepted and
    /// not applied. Google wants the other parameters of a paged call to match the first call; what it does when
    /// they differ is unconfirmed, so the page token alone decides the position here. Writes show up in the next
    /// listing at once unless the <c>propagationDelayMs</c> fault emulates Google's delay of up to minutes.
    /// </remarks>
    private static async Task ListConnections(HttpContext context, GoogleSandbox google)
    {
        if (google.Authenticate(context) is not { } account)
        {
            await GoogleError.Unauthenticated().WriteAsync(context);
            return;
        }
        if (await ReadMaskAsync(context, "personFields", required: true) is not { } mask) return;
        if (GoogleHttp.QueryInt(context, "pageSize", 0, 1000, out var size) is { } sizeError)
        {
            await sizeError.WriteAsync(context);
            return;
        }
        var pageSize = size is null or 0 ? 100 : size.Value;
        var requestSyncToken = GoogleHttp.QueryBool(context, "requestSyncToken");

        PageToken position;
        if (GoogleHttp.Query(context, "pageToken") is { Length: > 0 } rawPage)
        {
            if (PageToken.Decode(rawPage) is not { } page || page.Account != account.Key)
            {
                await GoogleError.Invalid("Page token is not valid.").WriteAsync(context);
                return;
            }
            position = page;
        }
        else if (GoogleHttp.Query(context, "syncToken") is { Length: > 0 } rawSync)
        {
            if (google.SyncTokens.Redeem(account, rawSync, "people", google.Options.SyncTokenLifetime) is not { } since)
            {
                await GoogleError.ExpiredSyncToken().WriteAsync(context);
                return;
            }
            position = new PageToken(true, since, since, account.Key);
        }
        else
        {
            position = new PageToken(false, -1, 0, account.Key);
        }

        var slice = account.ReadChanges(position.AfterSeq, pageSize, includeDeleted: position.Incremental);
        // A full listing's closing token starts from where the listing began, so that changes made while the
        // client was paging (deletions above all) reach it in the next incremental call.
        var baseSeq = position.BaseSeq < 0 ? slice.CurrentSeq : position.BaseSeq;
        string? nextPage = slice.HasMore ? (position with { BaseSeq = baseSeq, AfterSeq = slice.LastSeq }).Encode() : null;
        string? nextSync = !slice.HasMore && (requestSyncToken || position.Incremental)
            ? google.SyncTokens.Issue(account, position.Incremental ? slice.CurrentSeq : baseSeq, "people")
            : null;

        await GoogleHttp.WriteJsonAsync(context, 200, writer =>
        {
            if (slice.Items.Count > 0)
            {
                writer.WriteStartArray("connections");
                foreach (var person in slice.Items) writer.WriteRawValue(person.Render(mask), skipInputValidation: true);
                writer.WriteEndArray();
            }
            if (nextPage is not null) writer.WriteString("nextPageToken", nextPage);
            if (nextSync is not null) writer.WriteString("nextSyncToken", nextSync);
            writer.WriteNumber("totalPeople", slice.LiveCount);
            writer.WriteNumber("totalItems", slice.LiveCount);
        });
    }

    private static async Task Get(HttpContext context, GoogleSandbox google)
    {
        if (google.Authenticate(context) is not { } account)
        {
            await GoogleError.Unauthenticated().WriteAsync(context);
            return;
        }
        if (await ReadMaskAsync(context, "personFields", required: true) is not { } mask) return;
        var id = (string)context.Request.RouteValues["id"]!;
        if (account.Find("people/" + id) is not { } person)
        {
            await GoogleError.NotFound().WriteAsync(context);
            return;
        }
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.Body.WriteAsync(person.Render(mask), context.RequestAborted);
    }

    private static async Task BatchGet(HttpContext context, GoogleSandbox google)
    {
        if (google.Authenticate(context) is not { } account)
        {
            await GoogleError.Unauthenticated().WriteAsync(context);
            return;
        }
        if (await ReadMaskAsync(context, "personFields", required: true) is not { } mask) return;
        var names = context.Request.Query["resourceNames"];
        if (names.Count is 0 or > MaxBatchGet)
        {
            await GoogleError.Invalid($"resourceNames must contain between 1 and {MaxBatchGet} entries.").WriteAsync(context);
            return;
        }
        await GoogleHttp.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartArray("responses");
            foreach (var name in names)
            {
                writer.WriteStartObject();
                writer.WriteString("requestedResourceName", name);
                var person = name is null ? null : account.Find(name);
                if (person is not null)
                {
                    writer.WriteNumber("httpStatusCode", 200);
                    writer.WritePropertyName("person");
                    writer.WriteRawValue(person.Render(mask), skipInputValidation: true);
                    writer.WriteStartObject("status");
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteNumber("httpStatusCode", 404);
                    writer.WriteStartObject("status");
                    writer.WriteNumber("code", 5);
                    writer.WriteString("message", "Requested entity was not found.");
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        });
    }

    internal static void WritePerson(Utf8JsonWriter writer, string property, StoredPerson person, PersonFields mask)
    {
        writer.WritePropertyName(property);
        writer.WriteRawValue(person.Render(mask), skipInputValidation: true);
    }
}
