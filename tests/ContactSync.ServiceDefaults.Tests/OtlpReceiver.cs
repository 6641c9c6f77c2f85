using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ContactSync.ServiceDefaults.Tests;

/// <summary>
/// A minimal OTLP/HTTP (protobuf) receiver that keeps every exported payload by signal path. Built on
/// HttpListener rather than ASP.NET Core so that its own requests produce no spans in the process under test.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    private OtlpReceiver(int port)
    {
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public ConcurrentQueue<(string Path, byte[] Body)> Received { get; } = new();

    public Uri Address { get; }

    public static Task<OtlpReceiver> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return Task.FromResult(new OtlpReceiver(port));
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    /// <summary>Whether a payload of <paramref name="path"/> contains <paramref name="text"/> (OTLP protobuf
    /// carries names and attribute values as UTF-8 strings).</summary>
    public bool Saw(string path, string text) => CountOf(path, text) > 0;

    /// <summary>How many times <paramref name="text"/> occurs across the payloads of <paramref name="path"/>.</summary>
    public int CountOf(string path, string text)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        var count = 0;
        foreach (var (p, body) in Received)
        {
            if (p != path) continue;
            for (var span = body.AsSpan(); span.IndexOf(needle) is var i and >= 0; span = span[(i + needle.Length)..]) count++;
        }
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
