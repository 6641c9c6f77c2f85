using System.Net;
using System.Net.Sockets;
using ContactSync.Api.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ContactSync.Api.Auth;

/// <summary>
/// Counts refused API keys per client address (the connection's own address: forwarded headers are not trusted, none
/// are configured) in fixed windows of <see cref="ApiOptions.AuthFailureWindowSeconds"/>. Past
/// <see cref="ApiOptions.AuthFailureLimit"/> failures in its window, an address's refused keys get 429 with
/// <c>Retry-After</c> until the window ends. Valid keys are never refused: keys are 32 random bytes, so a lockout would
/// protect against no guessing, and it would let one misbehaving client lock out everyone behind the same address (a
/// NAT, a proxy, every client of a local run). Accepted keys are never counted. IPv6 addresses count per /64, the block
/// one client usually holds.
/// </summary>
/// <remarks>Memory is bounded: only addresses with a failure in their current window have an entry, and the cache holds
/// at most <see cref="MaxAddresses"/>; past that, a new address's failures go uncounted until entries expire.</remarks>
public sealed partial class AuthFailureLimiter(IOptions<ApiOptions> options, TimeProvider time, ILogger<AuthFailureLimiter> logger) : IDisposable
{
    public const int MaxAddresses = 100_000;

    private readonly MemoryCache _windows = new(new MemoryCacheOptions { SizeLimit = MaxAddresses });

    /// <summary>How long the address must wait before it may present a key again, or null when it may now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (!_windows.TryGetValue(Key(address), out Window? window) || window is null) return null;
        var now = time.GetUtcNow();
        return window.Failures >= options.Value.AuthFailureLimit && now < window.EndsAt ? window.EndsAt - now : null;
    }

    public void Failed(IPAddress? address)
    {
        var key = Key(address);
        var now = time.GetUtcNow();
        if (!_windows.TryGetValue(key, out Window? window) || window is null || now >= window.EndsAt)
        {
            // Two first failures at once may each start a window and one count be lost: one extra try, no more.
            window = new Window(now + TimeSpan.FromSeconds(options.Value.AuthFailureWindowSeconds));
            _windows.Set(key, window, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = window.EndsAt - now });
        }
        if (window.Add() == options.Value.AuthFailureLimit) Log.Limited(logger, key.ToString(), options.Value.AuthFailureLimit);
    }

    public void Dispose() => _windows.Dispose();

    private static IPAddress Key(IPAddress? address)
    {
        if (address is null) return IPAddress.None;   // no IP connection (a test server): one shared window
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private sealed class Window(DateTimeOffset endsAt)
    {
        private int _failures;

        public DateTimeOffset EndsAt { get; } = endsAt;

        public int Failures => Volatile.Read(ref _failures);

        public int Add() => Interlocked.Increment(ref _failures);
    }

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Warning, "Client address {Address} sent {Failures} invalid API keys in one window; its keyed requests are refused until the window ends")]
        public static partial void Limited(ILogger logger, string address, int failures);
    }
}
