using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ContactSync.Providers.Microsoft;

/// <summary>
/// Puts a bearer token on every Graph request, obtaining and refreshing access tokens from the account's
/// stored refresh token. A refresh the identity platform refuses with <c>invalid_grant</c> raises
/// <see cref="ReauthRequiredException"/> (from <see cref="MicrosoftTokenClient"/>).
/// </summary>
/// <param name="onRefreshTokenRotated">Called when the token endpoint hands out a new refresh token, so the
/// caller can store it (encrypted) in place of the old one.</param>
public sealed class RefreshTokenAuthenticationProvider(
    MicrosoftTokenClient tokens, string refreshToken, TimeProvider? time = null,
    Func<string, CancellationToken, Task>? onRefreshTokenRotated = null) : IAuthenticationProvider
{
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(2);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile string _refreshToken = refreshToken;
    // A reference, swapped whole, so concurrent requests never read a token with another token's expiry.
    private volatile CachedToken? _access;

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt);

    public string RefreshToken => _refreshToken;

    public async Task AuthenticateRequestAsync(
        RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        var token = await GetAccessTokenAsync(cancellationToken);
        request.Headers.Remove("Authorization");
        request.Headers.Add("Authorization", $"Bearer {token}");
    }

    /// <summary>Forgets the cached access token (Graph answered 401 with it), so the next request refreshes.</summary>
    public void Invalidate(string? rejectedToken = null)
    {
        if (rejectedToken is null || _access?.Token == rejectedToken) _access = null;
    }

    public string? CurrentAccessToken => _access?.Token;

    public async Task<string> GetAccessTokenAsync(CancellationToken ct)
    {
        if (_access is { } cached && cached.ExpiresAt - ExpiryMargin > _time.GetUtcNow()) return cached.Token;
        await _refreshing.WaitAsync(ct);
        try
        {
            if (_access is { } again && again.ExpiresAt - ExpiryMargin > _time.GetUtcNow()) return again.Token;
            var result = await tokens.RefreshAsync(_refreshToken, ct);
            _access = new CachedToken(result.AccessToken, result.ExpiresAt);
            if (result.RefreshToken is { Length: > 0 } rotated && rotated != _refreshToken)
            {
                _refreshToken = rotated;
                if (onRefreshTokenRotated is not null) await onRefreshTokenRotated(rotated, ct);
            }
            return result.AccessToken;
        }
        finally
        {
            _refreshing.Release();
        }
    }
}
