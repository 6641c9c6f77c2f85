using Microsoft.Playwright;

namespace ContactSync.Ops.Tests.Support;

/// <summary>The operator's moves on the /ops page, and what a test watches while making them.</summary>
public static class OpsPageSteps
{
    public static async Task SignInAsync(this IPage page, string key)
    {
        await page.GotoAsync("/ops");
        await page.GetByLabel("Operator key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public static async Task SignedInAsync(this IPage page, string key)
    {
        await page.SignInAsync(key);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Projections" })).ToBeVisibleAsync();
    }

    public static ILocator ConnectionRow(this IPage page, Guid id) => page.Locator($"tr[data-connection-id=\"{id}\"]");

    public static ILocator ProjectionRow(this IPage page, string name) => page.Locator($"tr[data-projection=\"{name}\"]");

    /// <summary>Everything that went wrong in the page: console errors, failed requests, answers of 400 and above.</summary>
    public static List<string> WatchProblems(this IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") lock (problems) problems.Add("console: " + m.Text); };
        page.PageError += (_, e) => { lock (problems) problems.Add("page error: " + e); };
        page.RequestFailed += (_, r) => { lock (problems) problems.Add($"failed: {r.Url} {r.Failure}"); };
        page.Response += (_, r) => { if (r.Status >= 400) lock (problems) problems.Add($"{r.Status}: {r.Url}"); };
        return problems;
    }
}
