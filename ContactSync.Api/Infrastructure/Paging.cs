using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ContactSync.Domain.Validation;

namespace ContactSync.Api.Infrastructure;

/// <summary>A page of a collection: <c>{items, nextCursor}</c>; <c>nextCursor</c> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// Query values shared by collection endpoints. Everything arrives as text and is checked here, so a bad value is
/// a 422 with a field error like any other validation problem (rather than a binding failure).
/// Cursors are opaque to clients: base64url of a kind tag and the keyset position.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static int Limit(string? raw, FieldErrors errors)
    {
        if (raw is null) return DefaultLimit;
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit) return limit;
        errors.Add("limit", $"Must be a whole number from 1 to {MaxLimit}.");
        return DefaultLimit;
    }

    public static bool Flag(string? raw, string field, FieldErrors errors)
    {
        if (raw is null) return false;
        if (bool.TryParse(raw, out var value)) return value;
        errors.Add(field, "Must be true or false.");
        return false;
    }

    public static Guid? Id(string? raw, string field, FieldErrors errors)
    {
        if (raw is null) return null;
        if (Guid.TryParse(raw, out var id)) return id;
        errors.Add(field, "Must be an id.");
        return null;
    }

    public static DateTimeOffset? Time(string? raw, string field, FieldErrors errors)
    {
        if (raw is null) return null;
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)) return t;
        errors.Add(field, "Must be an ISO 8601 date and time.");
        return null;
    }

    public static string Cursor(string kind, string position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(kind + ":" + position));

    /// <summary>A keyset cursor over ids.</summary>
    public static Guid? IdCursor(string? cursor, string kind, FieldErrors errors) =>
        FromCursor(cursor, kind, errors) is { } raw ? Guid.TryParseExact(raw, "N", out var id) ? id : Invalid<Guid>(errors) : null;

    /// <summary>A cursor holding a position number (a stream revision).</summary>
    public static long? NumberCursor(string? cursor, string kind, FieldErrors errors) =>
        FromCursor(cursor, kind, errors) is { } raw
            ? long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : Invalid<long>(errors)
            : null;

    private static T? Invalid<T>(FieldErrors errors) where T : struct
    {
        errors.Add("cursor", "Is not a cursor returned by this collection.");
        return null;
    }

    /// <summary>The position inside a cursor of this kind; adds a field error for anything else.</summary>
    public static string? FromCursor(string? cursor, string kind, FieldErrors errors)
    {
        if (cursor is null) return null;
        if (cursor.Length <= 200 && Base64Url.IsValid(cursor))
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith(kind + ":", StringComparison.Ordinal)) return text[(kind.Length + 1)..];
        }
        errors.Add("cursor", "Is not a cursor returned by this collection.");
        return null;
    }
}
