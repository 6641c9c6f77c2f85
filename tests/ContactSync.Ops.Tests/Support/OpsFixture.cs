using ContactSync.Sync.Tests.Support;
using Microsoft.Playwright;

namespace ContactSync.Ops.Tests.Support;

/// <summary>
/// The whole system with the sync engine on (<see cref="SyncFixture"/>: PostgreSQL, sandbox, Projector, API on free
/// ports) and one headless Debian Chromium driven by Playwright; each test opens its own browser context.
/// </summary>
public sealed class OpsFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium (<c>apt-get install chromium</c>): Playwright cannot download browsers here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public SyncFixture System { get; } = new();
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y chromium (.ci/run does).");
        await System.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh context (own sessionStorage) at the given viewport, with the API as its base address.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 768)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = System.ApiAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Where screenshots go: the repository's docs/ when CONTACTSYNC_SCREENSHOTS=1 (to refresh the README's), else the test output.</summary>
    public static string ScreenshotPath(string name)
    {
        if (Environment.GetEnvironmentVariable("CONTACTSYNC_SCREENSHOTS") != "1") return Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ContactSync.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "docs", name);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await System.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class OpsCollection : ICollectionFixture<OpsFixture>
{
    public const string Name = "ops";
}
