namespace ContactSync.Providers.Google;

/// <summary>
/// The change-feed cursor: a page token inside a full listing (<c>F</c>), a sync token between runs (<c>S</c>), or a
/// sync token plus page token inside a paginated incremental listing (<c>I</c>; Google wants every parameter of the
/// first call repeated with the page token). Google's tokens are URL-safe and never contain a space.
/// </summary>
public readonly record struct GoogleCursor(char Kind, string? SyncToken, string? PageToken)
{
    public static readonly GoogleCursor Start = new('F', null, null);

    public bool IsFullSync => Kind == 'F';

    public static GoogleCursor Parse(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return Start;
        var parts = cursor.Split(' ');
        return parts switch
        {
            ["g1", "F", var page] => new GoogleCursor('F', null, page),
            ["g1", "S", var sync] => new GoogleCursor('S', sync, null),
            ["g1", "I", var sync, var page] => new GoogleCursor('I', sync, page),
            _ => throw new CursorExpiredException("The Google change cursor is not one this adapter issued; run a full sync."),
        };
    }

    public static GoogleCursor Next(GoogleCursor current, string? nextPageToken, string nextSyncToken) =>
        nextPageToken is null ? new GoogleCursor('S', nextSyncToken, null)
        : current.IsFullSync ? new GoogleCursor('F', null, nextPageToken)
        : new GoogleCursor('I', current.SyncToken, nextPageToken);

    public override string ToString() => Kind switch
    {
        'F' => $"g1 F {PageToken}",
        'S' => $"g1 S {SyncToken}",
        _ => $"g1 I {SyncToken} {PageToken}",
    };
}
