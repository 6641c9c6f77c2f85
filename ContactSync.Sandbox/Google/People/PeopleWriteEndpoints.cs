using ContactSync.Sandbox.Google.Store;

namespace ContactSync.Sandbox.Google.People;

/// <summary>people.createContact, people.updateContact and people.deleteContact.</summary>
public static class PeopleWriteEndpoints
{
    public static void MapPeopleWrites(this IEndpointRouteBuilder app, GoogleSandbox google)
    {
        app.MapPost("v1/people:createContact", context => Create(context, google));
        // "{id}:updateContact" is one path segment; the suffix is checked in the handler.
        app.MapMethods("v1/people/{id}", [HttpMethods.Patch], context => Update(context, google));
        app.MapDelete("v1/people/{id}", context => Delete(context, google));
    }

    private static async Task Create(HttpContext context, GoogleSandbox google)
    {
        if (google.Authenticate(context) is not { } account)
        {
            await GoogleError.Unauthenticated().WriteAsync(context);
            return;
        }
        if (await PeopleReadEndpoints.ReadMaskAsync(context, "personFields", required: false) is not { } mask) return;
        using var document = await GoogleHttp.ReadBodyAsync(context);
        if (document is null) return;
        var sourceId = GoogleAccount.NewSourceId();
        if (PersonBody.Parse(document.RootElement, sourceId, null, "person", out var body) is { } parseError)
        {
            await parseError.WriteAsync(context);
            return;
        }
        if (account.Create([new PersonDraft(sourceId, body.Fields, body.Groups ?? [])], google.Options.MaxContacts, out var created) is { } createError)
        {
            await createError.WriteAsync(context);
            return;
        }
        await WritePersonAsync(context, created[0], mask);
    }

    private static async Task Update(HttpContext context, GoogleSandbox google)
    {
        if (google.Authenticate(context) is not { } account)
        {
            await GoogleError.Unauthenticated().WriteAsync(context);
            return;
        }
        var segment = (string)context.Request.RouteValues["id"]!;
        if (segment.EndsWith(":updateContactPhoto", StringComparison.Ordinal))
        {
            await PhotoEndpoints.UpdatePhoto(context, account, "people/" + segment[..^":updateContactPhoto".Length]);
            return;
        }
        if (!segment.EndsWith(":updateContact", StringComparison.Ordinal))
        {
            await GoogleError.NotFound().WriteAsync(context);
            return;
        }
        var resourceName = "people/" + segment[..^":updateContact".Length];
        var updateMask = PersonFields.TryParse(GoogleHttp.Query(context, "updatePersonFields"), PersonFields.Writable, out var invalid);
        if (updateMask is null)
        {
            await GoogleError.Invalid(invalid is null
                ? "updatePersonFields mask is required. Please specify one or more valid paths."
                : $"Invalid updatePersonFields mask path: \"{invalid}\".").WriteAsync(context);
            return;
        }
        if (await PeopleReadEndpoints.ReadMaskAsync(context, "personFields", required: false) is not { } mask) return;
        using var document = await GoogleHttp.ReadBodyAsync(context);
        if (document is null) return;
        if (account.Find(resourceName) is not { } current)
        {
            await GoogleError.NotFound().WriteAsync(context);
            return;
        }
        // The real client also sends If-Match with the etag; the body etag is what Google checks (providers.md C4).
        if (PersonBody.Parse(document.RootElement, current.SourceId, updateMask, "person", out var body) is { } parseError)
        {
            await parseError.WriteAsync(context);
            return;
        }
        if (account.Update([ToPatch(resourceName, body, updateMask)], out var updated) is { } updateError)
        {
            await updateError.WriteAsync(context);
            return;
        }
        await WritePersonAsync(context, updated[0], mask);
    }

    internal static PersonPatch ToPatch(string resourceName, PersonBody body, PersonFields updateMask) =>
        new(resourceName, body.Etag, updateMask, body.Fields,
            updateMask.Contains("memberships") ? body.Groups ?? [] : null);

    private static async Task Delete(HttpContext context, GoogleSandbox google)
    {
        if (google.Authenticate(context) is not { } account)
        {
            await GoogleError.Unauthenticated().WriteAsync(context);
            return;
        }
        var segment = (string)context.Request.RouteValues["id"]!;
        if (segment.EndsWith(":deleteContactPhoto", StringComparison.Ordinal))
        {
            await PhotoEndpoints.DeletePhoto(context, account, "people/" + segment[..^":deleteContactPhoto".Length]);
            return;
        }
        if (!segment.EndsWith(":deleteContact", StringComparison.Ordinal))
        {
            await GoogleError.NotFound().WriteAsync(context);
            return;
        }
        if (account.Delete(["people/" + segment[..^":deleteContact".Length]]) is { } error)
        {
            await error.WriteAsync(context);
            return;
        }
        await GoogleHttp.WriteEmptyAsync(context);
    }

    private static async Task WritePersonAsync(HttpContext context, StoredPerson person, PersonFields mask)
    {
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.Body.WriteAsync(person.Render(mask), context.RequestAborted);
    }
}
