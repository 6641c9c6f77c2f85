using System.Net;

namespace ContactSync.Sandbox.Tests.Google;

public sealed class GooglePhotoTests(GoogleSandboxFixture sandbox) : IClassFixture<GoogleSandboxFixture>
{
    private static readonly string Png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

    [Fact]
    public async Task A_contact_photo_is_set_with_updateContactPhoto_and_removed_with_deleteContactPhoto()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (name, etag) = await client.CreateContactAsync("Pic");
        var (_, before) = await client.GetJsonAsync($"v1/{name}?personFields=photos");
        Assert.True(before.GetProperty("photos")[0].GetProperty("default").GetBoolean());

        var (status, set) = await client.PatchJsonAsync($"v1/{name}:updateContactPhoto", new { photoBytes = Png, personFields = "photos" });
        Assert.Equal(HttpStatusCode.OK, status);
        var photo = set.GetProperty("person").GetProperty("photos")[0];
        Assert.StartsWith("https://lh3.googleusercontent.com/contacts/", photo.GetProperty("url").GetString());
        Assert.False(photo.TryGetProperty("default", out _));
        Assert.NotEqual(etag, set.GetProperty("person").GetProperty("etag").GetString());

        var (deleteStatus, deleted) = await client.SendJsonAsync(HttpMethod.Delete, $"v1/{name}:deleteContactPhoto?personFields=photos");
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.True(deleted.GetProperty("person").GetProperty("photos")[0].GetProperty("default").GetBoolean());
    }

    [Fact]
    public async Task Photo_bytes_that_are_not_base64_are_400()
    {
        var (_, client) = await sandbox.NewAccountAsync();
        var (name, _) = await client.CreateContactAsync("Pic");

        var (status, body) = await client.PatchJsonAsync($"v1/{name}:updateContactPhoto", new { photoBytes = "not base64!" });

        GoogleApi.AssertGoogleError(status, body, 400, "INVALID_ARGUMENT");
    }
}
