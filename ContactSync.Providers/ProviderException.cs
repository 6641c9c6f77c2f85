namespace ContactSync.Providers;

/// <summary>Base of the failures the sync engine reacts to.</summary>
public abstract class ProviderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The change cursor (Google sync token, Graph delta link) expired: run a full resync.</summary>
public sealed class CursorExpiredException(string message, Exception? inner = null) : ProviderException(message, inner);

/// <summary>The OAuth grant was revoked or expired: the connection needs the user to sign in again.</summary>
public sealed class ReauthRequiredException(string message, Exception? inner = null) : ProviderException(message, inner);

/// <summary>Throttling outlasted the adapter's retries; try again after <see cref="RetryAfter"/>.</summary>
public sealed class ProviderThrottledException(string message, TimeSpan retryAfter, Exception? inner = null) : ProviderException(message, inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The provider was unavailable (5xx, dropped connections) after the adapter's retries.</summary>
public sealed class ProviderUnavailableException(string message, Exception? inner = null) : ProviderException(message, inner);

/// <summary>A conditional write found a newer version at the provider.</summary>
public sealed class ProviderConflictException(string message, Exception? inner = null) : ProviderException(message, inner);

/// <summary>A provider limit was reached (Google's 25,000 contacts, Outlook's multi-value caps).</summary>
public sealed class ProviderLimitException(string message, Exception? inner = null) : ProviderException(message, inner);
