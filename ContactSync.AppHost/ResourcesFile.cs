using System.Text.Json;
using System.Text.Json.Nodes;

namespace ContactSync.AppHost;

/// <summary>The addresses and keys, for scripts (<c>.contactsync/resources.json</c>, shaped as docs/api.md says) and people (the console).</summary>
internal static class ResourcesFile
{
    public static async Task WriteAsync(AppHostSettings settings, IReadOnlyDictionary<string, string> urls, DemoState? demo, DemoAccounts accounts, CancellationToken ct)
    {
        var resources = new JsonObject();
        foreach (var (name, url) in urls) resources[name] = new JsonObject { ["url"] = url };
        var doc = new JsonObject { ["resources"] = resources };
        if (settings.DashboardUrl is { } dashboard)
            doc["dashboard"] = new JsonObject { ["url"] = dashboard, ["loginUrl"] = settings.DashboardLoginUrl };
        doc["operatorKey"] = settings.OperatorKey;
        if (demo is not null)
        {
            var section = new JsonObject { ["tenantId"] = demo.TenantId, ["apiKey"] = demo.ApiKey, ["salesUserApiKey"] = demo.SalesUserApiKey };
            if (accounts.GoogleEmail is { } google) section["google"] = new JsonObject { ["email"] = google };
            if (accounts.MicrosoftEmail is { } microsoft) section["microsoft"] = new JsonObject { ["email"] = microsoft };
            doc["demo"] = section;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(settings.ResourcesFile)!);
        await File.WriteAllTextAsync(settings.ResourcesFile, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
    }

    public static void PrintSummary(AppHostSettings settings, IReadOnlyDictionary<string, string> urls, DemoState? demo, DemoAccounts accounts)
    {
        var lines = new List<string> { "", "ContactSync is running. Press Ctrl+C to stop.", "", $"  {"resource",-11} address" };
        lines.AddRange(urls.Select(u => $"  {u.Key,-11} {u.Value}"));
        if (settings.DashboardLoginUrl is { } dashboard) lines.Add($"  {"dashboard",-11} {dashboard}");
        lines.Add("");
        lines.Add($"  operator key:   {settings.OperatorKey}");
        if (demo is not null && urls.TryGetValue("api", out var api))
        {
            lines.Add($"  demo tenant:    {demo.TenantName} ({demo.TenantId})");
            lines.Add($"  demo admin key: {demo.ApiKey}");
            if (accounts.GoogleEmail is { } google) lines.Add($"  demo Google:    {google} (sandbox account to connect)");
            if (accounts.MicrosoftEmail is { } microsoft) lines.Add($"  demo Outlook:   {microsoft} (sandbox mailbox to connect)");
            lines.Add($"  try: curl -H \"Authorization: Bearer {demo.ApiKey}\" {api}/api/contacts");
        }
        lines.Add($"  (also written to {settings.ResourcesFile})");
        lines.Add("");
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
