using System.Text;

namespace ContactSync.EventStore.Tests;

internal static class TestEvents
{
    public static EventData Event(string type = "Tested", int n = 0) =>
        new(Guid.CreateVersion7(), type, Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), Encoding.UTF8.GetBytes("""{"correlationId":"c"}"""));

    public static EventData[] Events(int count, string type = "Tested") =>
        Enumerable.Range(0, count).Select(i => Event(type, i)).ToArray();

    public static string Json(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);

    public static StreamName NewStream(string category = "Test") => StreamName.For(category, Guid.NewGuid().ToString("N"));
}
