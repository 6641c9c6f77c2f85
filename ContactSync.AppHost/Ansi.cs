namespace ContactSync.AppHost;

/// <summary>Console output with resource prefixes; colours only when the output is a terminal.</summary>
internal static class Ansi
{
    private static readonly object Gate = new();
    private static readonly bool Colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public static string Bold(string text) => Colour ? $"\u001b[1m{text}\u001b[0m" : text;

    public static string Red(string text) => Colour ? $"\u001b[31m{text}\u001b[0m" : text;

    public static void WritePrefixed(string name, ConsoleColor color, string line, bool error)
    {
        lock (Gate)
        {
            if (Colour) Console.ForegroundColor = color;
            Console.Out.Write($"[{name}] ");
            if (Colour) Console.ResetColor();
            (error ? Console.Error : Console.Out).WriteLine(line);
        }
    }
}
