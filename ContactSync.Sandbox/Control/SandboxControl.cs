using System.Collections.Concurrent;

namespace ContactSync.Sandbox.Control;

/// <summary>Run-time state shared by the emulators: fault settings and request statistics per provider.</summary>
public sealed class SandboxControl(IEnumerable<ISandboxEmulator> emulators)
{
    private readonly ConcurrentDictionary<string, FaultSettings> _faults = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Provider, string Endpoint, int Status), long> _stats = new();

    public IReadOnlyList<ISandboxEmulator> Emulators { get; } = emulators.ToList();

    public ISandboxEmulator? Find(string provider) =>
        Emulators.FirstOrDefault(e => string.Equals(e.Provider, provider, StringComparison.OrdinalIgnoreCase));

    public ISandboxEmulator? Owner(PathString path) => Emulators.FirstOrDefault(e => e.Owns(path));

    public FaultSettings FaultsFor(string provider) => _faults.GetValueOrDefault(provider, FaultSettings.None);

    public void SetFaults(string provider, FaultSettings settings)
    {
        _faults[provider] = settings;
        if (Find(provider) is { } emulator) emulator.PropagationDelay.Value = TimeSpan.FromMilliseconds(settings.PropagationDelayMs);
    }

    public void Record(string provider, string endpoint, int status) =>
        _stats.AddOrUpdate((provider, endpoint, status), 1, (_, n) => n + 1);

    public IReadOnlyList<RequestStat> Stats() =>
        _stats.Select(kv => new RequestStat(kv.Key.Provider, kv.Key.Endpoint, kv.Key.Status, kv.Value))
              .OrderBy(s => s.Provider).ThenBy(s => s.Endpoint).ThenBy(s => s.Status)
              .ToList();

    /// <summary>Raised after <see cref="Reset"/> (the state file then saves the empty state).</summary>
    public event Action? AfterReset;

    public void Reset()
    {
        _faults.Clear();
        _stats.Clear();
        foreach (var emulator in Emulators)
        {
            emulator.PropagationDelay.Value = TimeSpan.Zero;
            emulator.Reset();
        }
        AfterReset?.Invoke();
    }
}

public sealed record RequestStat(string Provider, string Endpoint, int Status, long Count);
