using ContactSync.Sandbox.Google.Store;

namespace ContactSync.Sandbox.Google.People;

/// <summary>people.updateContactPhoto and people.deleteContactPhoto (photos cannot be set with updateContact).
/// The bytes are only checked to be base64; the stored photo is a URL in Google's photo host form.</summary>
public static class PhotoEndpoints
{
    public static async Task UpdatePhoto(HttpContext context, GoogleAccount account, string resourceName)
    {
        using var document = await GoogleHttp.ReadBodyAsync(context);
        if (document is null) return;
        var bytes = GoogleHttp.String(document.RootElement, "photoBytes");
        if (string.IsNullOrEmpty(bytes) || !Convert.TryFromBase64String(bytes, new byte[bytes.Length], out var length) || length == 0)
        {
            await GoogleError.Invalid("photoBytes must be a base64-encoded JPEG or PNG image.").WriteAsync(context);
            return;
        }
        var mask = PersonFields.TryParse(GoogleHttp.String(document.RootElement, "personFields"), PersonFields.Readable, out _) ?? PersonFields.All;
        var url = $"https://lh3.googleusercontent.com/contacts/{Guid.NewGuid():N}";
        await WriteAsync(context, account.SetPhoto(resourceName, url, out var person), person, mask);
    }

    public static async Task DeletePhoto(HttpContext context, GoogleAccount account, string resourceName)
    {
        if (await PeopleReadEndpoints.ReadMaskAsync(context, "personFields", required: false) is not { } mask) return;
        await WriteAsync(context, account.SetPhoto(resourceName, null, out var person), person, mask);
    }

    private static Task WriteAsync(HttpContext context, GoogleError? error, StoredPerson person, PersonFields mask) =>
        error is not null
            ? error.WriteAsync(context)
            : GoogleHttp.WriteJsonAsync(context, 200, writer => PeopleReadEndpoints.WritePerson(writer, "person", person, mask));
}
