namespace ContactSync.Testing;

/// <summary>
/// Polls a condition until it holds or a timeout passes, then fails saying what was awaited: tests wait on conditions,
/// never for a fixed time. One loop for every test project; the overloads keep the names the projects grew up with.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    // The poll interval only: a tight loop against the database would starve the code under test.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Reads until <paramref name="done"/> holds for the value read, and returns that value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, string? what = null) =>
        await PollAsync(read, done, _ => Task.FromResult($"Timed out waiting for {what ?? "the condition"}."), timeout);

    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        PollAsync(condition, held => held, _ => Task.FromResult($"Timed out waiting for {what}."), timeout);

    public static Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        PollAsync(condition, held => held, _ => Task.FromResult($"Timed out waiting until {what}"), timeout);

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>As above, describing the state at the time of the failure.</summary>
    public static Task HoldsAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null) =>
        PollAsync(() => Task.FromResult(condition()), held => held, _ => Task.FromResult($"Timed out waiting until {describe()}"), timeout);

    public static Task HoldsAsync(Func<Task<bool>> condition, Func<Task<string>> describe, TimeSpan? timeout = null) =>
        PollAsync(condition, held => held, async _ => $"Timed out waiting: {await describe()}", timeout);

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, Func<T, Task<string>> failure, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException(await failure(value));
            await Task.Delay(PollInterval);
        }
    }
}
