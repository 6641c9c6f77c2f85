using System.Text.Json;
using ContactSync.Sandbox.Google.Store;

namespace ContactSync.Sandbox.Google.People;

/// <summary>people.batchCreateContacts, batchUpdateContacts and batchDeleteContacts. Each batch is applied
/// whole or not at all; whether Google applies part of a failing batch is unconfirmed, and all-or-nothing
/// is the reading under which a client's retry can never duplicate or half-apply.</summary>
public static class PeopleBatchEndpoints
{
    private const int MaxWriteBatch = 200;
    private const int MaxDeleteBatch = 500;

    public static void MapPeopleBatches(this IEndpointRouteBuilder app, GoogleSandbox google)
    {
        app.MapPost("v1/people:batchCreateContacts", context => WithAccount(context, google, BatchCreate));
        app.MapPost("v1/people:batchUpdateContacts", context => WithAccount(context, google, BatchUpdate));
        app.MapPost("v1/people:batchDeleteContacts", context => WithAccount(context, google, BatchDelete));
    }

    private static async Task WithAccount(HttpContext context, GoogleSandbox google,
        Func<HttpContext, GoogleSandbox, GoogleAccount, JsonElement, Task<GoogleError?>> handler)
    {
        if (google.Authenticate(context) is not { } account)
        {
            await GoogleError.Unauthenticated().WriteAsync(context);
            return;
        }
        using var document = await GoogleHttp.ReadBodyAsync(context);
        if (document is null) return;
        if (await handler(context, google, account, document.RootElement) is { } error) await error.WriteAsync(context);
    }

    private static async Task<GoogleError?> BatchCreate(HttpContext context, GoogleSandbox google, GoogleAccount account, JsonElement body)
    {
        if (!body.TryGetProperty("contacts", out var contacts) || contacts.ValueKind != JsonValueKind.Array)
            return GoogleError.Invalid("contacts is required.");
        if (contacts.GetArrayLength() is 0 or > MaxWriteBatch)
            return GoogleError.Invalid($"contacts must contain between 1 and {MaxWriteBatch} entries.");
        if (ReadMask(body) is not { } mask) return GoogleError.Invalid("Invalid readMask.");

        var drafts = new List<PersonDraft>();
        var index = 0;
        foreach (var contact in contacts.EnumerateArray())
        {
            var at = $"contacts[{index++}].contact_person";
            if (contact.ValueKind != JsonValueKind.Object || !contact.TryGetProperty("contactPerson", out var person))
                return GoogleError.Invalid($"{at} is required.");
            var sourceId = GoogleAccount.NewSourceId();
            if (PersonBody.Parse(person, sourceId, null, at, out var parsed) is { } error) return error;
            drafts.Add(new PersonDraft(sourceId, parsed.Fields, parsed.Groups ?? []));
        }
        if (account.Create(drafts, google.Options.MaxContacts, out var created) is { } createError) return createError;

        await GoogleHttp.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartArray("createdPeople");
            foreach (var person in created)
            {
                WritePersonResponse(writer, null, person, mask);
            }
            writer.WriteEndArray();
        });
        return null;
    }

    private static async Task<GoogleError?> BatchUpdate(HttpContext context, GoogleSandbox google, GoogleAccount account, JsonElement body)
    {
        if (!body.TryGetProperty("contacts", out var contacts) || contacts.ValueKind != JsonValueKind.Object)
            return GoogleError.Invalid("contacts is required.");
        var updateMask = PersonFields.TryParse(GoogleHttp.String(body, "updateMask"), PersonFields.Writable, out var invalid);
        if (updateMask is null)
            return GoogleError.Invalid(invalid is null ? "updateMask is required." : $"Invalid updateMask path: \"{invalid}\".");
        if (ReadMask(body) is not { } mask) return GoogleError.Invalid("Invalid readMask.");

        if (contacts.EnumerateObject().Count() is 0 or > MaxWriteBatch)
            return GoogleError.Invalid($"contacts must contain between 1 and {MaxWriteBatch} entries.");
        var patches = new List<PersonPatch>();
        foreach (var entry in contacts.EnumerateObject())
        {
            if (account.Find(entry.Name) is not { } current) return GoogleError.NotFound();
            if (PersonBody.Parse(entry.Value, current.SourceId, updateMask, $"contacts[{entry.Name}]", out var parsed) is { } error) return error;
            patches.Add(PeopleWriteEndpoints.ToPatch(entry.Name, parsed, updateMask));
        }
        if (account.Update(patches, out var updated) is { } updateError) return updateError;

        await GoogleHttp.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject("updateResult");
            foreach (var person in updated)
            {
                WritePersonResponse(writer, person.ResourceName, person, mask);
            }
            writer.WriteEndObject();
        });
        return null;
    }

    /// <summary>A successful <c>PersonResponse</c> (batch create and update answer one per contact).</summary>
    private static void WritePersonResponse(Utf8JsonWriter writer, string? propertyName, StoredPerson person, PersonFields mask)
    {
        if (propertyName is null) writer.WriteStartObject();
        else writer.WriteStartObject(propertyName);
        writer.WriteString("requestedResourceName", person.ResourceName);
        writer.WriteNumber("httpStatusCode", 200);
        PeopleReadEndpoints.WritePerson(writer, "person", person, mask);
        writer.WriteStartObject("status");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static async Task<GoogleError?> BatchDelete(HttpContext context, GoogleSandbox google, GoogleAccount account, JsonElement body)
    {
        if (!body.TryGetProperty("resourceNames", out var names) || names.ValueKind != JsonValueKind.Array)
            return GoogleError.Invalid("resourceNames is required.");
        if (names.GetArrayLength() is 0 or > MaxDeleteBatch)
            return GoogleError.Invalid($"resourceNames must contain between 1 and {MaxDeleteBatch} entries.");
        var list = names.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? n.GetString()! : "").ToList();
        if (account.Delete(list) is { } error) return error;
        await GoogleHttp.WriteEmptyAsync(context);
        return null;
    }

    /// <summary>The batch read mask; an empty one skips the read-back (only resourceName and etag return).</summary>
    private static PersonFields? ReadMask(JsonElement body)
    {
        var raw = GoogleHttp.String(body, "readMask");
        if (string.IsNullOrWhiteSpace(raw)) return PersonFields.None;
        return PersonFields.TryParse(raw, PersonFields.Readable, out _);
    }
}
