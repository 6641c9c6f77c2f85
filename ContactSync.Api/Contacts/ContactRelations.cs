using System.Text.Json;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Validation;

namespace ContactSync.Api.Contacts;

/// <summary>
/// The members of a contact body that are not content and go through their own commands: <c>ownerId</c>,
/// <c>followerIds</c> (the whole set, as a merge patch replaces lists) and <c>visibility</c>. Null for absent.
/// </summary>
public sealed record ContactRelations(Guid? OwnerId, IReadOnlyList<Guid>? FollowerIds, ContactVisibility? Visibility)
{
    public static ContactRelations Parse(JsonElement body, FieldErrors errors)
    {
        if (body.ValueKind != JsonValueKind.Object) return new(null, null, null);
        Guid? owner = null;
        List<Guid>? followers = null;
        ContactVisibility? visibility = null;
        if (body.TryGetProperty("ownerId", out var o))
        {
            if (o.ValueKind == JsonValueKind.String && o.TryGetGuid(out var id) && id != Guid.Empty) owner = id;
            else errors.Add("ownerId", "Must be the id of a user of this tenant.");
        }
        if (body.TryGetProperty("followerIds", out var f))
        {
            followers = [];
            if (f.ValueKind == JsonValueKind.Null) { }
            else if (f.ValueKind != JsonValueKind.Array) errors.Add("followerIds", "Must be a list of user ids, or null.");
            else
            {
                foreach (var item in f.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && item.TryGetGuid(out var id)) followers.Add(id);
                    else errors.Add("followerIds", "Must be a list of user ids, or null.");
                }
                followers = [.. followers.Distinct()];
                if (followers.Count > Limits.Followers) errors.Add("followerIds", $"At most {Limits.Followers} followers are allowed.");
            }
        }
        if (body.TryGetProperty("visibility", out var v))
        {
            if (v.ValueKind == JsonValueKind.String && ContactVisibilityNames.TryParse(v.GetString(), out var parsed)) visibility = parsed;
            else errors.Add("visibility", $"Must be one of: {string.Join(", ", ContactVisibilityNames.All)}.");
        }
        return new(owner, followers, visibility);
    }

    /// <summary>Every referenced user must be an active user of the tenant.</summary>
    public IReadOnlyCollection<Guid> ReferencedUsers =>
        [.. (OwnerId is { } owner ? [owner] : Array.Empty<Guid>()).Concat(FollowerIds ?? [])];

    public void CheckUsersExist(IReadOnlySet<Guid> found, FieldErrors errors)
    {
        if (OwnerId is { } owner && !found.Contains(owner)) errors.Add("ownerId", "Must be the id of a user of this tenant.");
        if (FollowerIds is { } followers && followers.Any(f => !found.Contains(f))) errors.Add("followerIds", "Every follower must be a user of this tenant.");
    }
}
