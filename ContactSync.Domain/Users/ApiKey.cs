namespace ContactSync.Domain.Users;

/// <summary>An API key as stored: its id and a hash of the secret (which only the caller who created it ever sees).</summary>
public sealed record ApiKey(Guid KeyId, string Hash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
