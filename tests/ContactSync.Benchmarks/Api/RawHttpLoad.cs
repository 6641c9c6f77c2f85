using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ContactSync.Benchmarks.Api;

/// <summary>
/// A lean loopback load generator, in the spirit of <c>wrk</c>: one keep-alive HTTP/1.1 connection per loop, the
/// request bytes built once per URL, the answer read straight off the socket (Content-Length or chunked). It shares
/// the machine with the server under test, so the less it costs the more of the machine the server gets; HttpClient
/// spent about a third of it. Every answer is checked: a status other than 200 counts as an error.
/// </summary>
internal static class RawHttpLoad
{
    public sealed record Run(long Ok, long Errors, TimeSpan Elapsed, double[] Latencies);

    public static async Task<Run> DriveAsync(Uri server, string? bearerKey, IReadOnlyList<string> paths, int concurrency, TimeSpan duration)
    {
        var requests = paths.Select(path => Encoding.ASCII.GetBytes(
            $"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\n" +
            (bearerKey is null ? "" : $"Authorization: Bearer {bearerKey}\r\n") + "Accept: application/json\r\n\r\n")).ToArray();
        var endpoint = new IPEndPoint(IPAddress.Parse(server.Host), server.Port);
        var stop = Stopwatch.StartNew();
        var loops = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(loop => Task.Run(async () =>
        {
            var latencies = new List<double>(200_000);
            var errors = 0L;
            var random = new Random(loop);
            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(endpoint);
            var reader = new ResponseReader(socket);
            while (stop.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await socket.SendAsync(requests[random.Next(requests.Length)], SocketFlags.None);
                var status = await reader.ReadResponseAsync();
                if (status == 200) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                else errors++;
            }
            return (latencies, errors);
        })));
        var all = loops.SelectMany(l => l.latencies).ToArray();
        Array.Sort(all);
        return new Run(all.Length, loops.Sum(l => l.errors), stop.Elapsed, all.Length == 0 ? [0] : all);
    }

    /// <summary>Reads one HTTP/1.1 response at a time from a keep-alive connection and returns its status.</summary>
    private sealed class ResponseReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<int> ReadResponseAsync()
        {
            var headerEnd = await FillUntilAsync(() => _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8));
            var head = _buffer.AsSpan(_start, headerEnd);
            // "HTTP/1.1 200 OK"
            if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
                throw new InvalidDataException("Not an HTTP/1.1 status line.");
            var contentLength = Utf8Parser.TryParse(HeaderValue(head, "content-length:"u8), out int n, out _) ? n : -1;
            var chunked = HeaderValue(head, "transfer-encoding:"u8).IndexOf("chunked"u8) >= 0;
            _start += headerEnd + 4;

            if (contentLength >= 0)
            {
                await FillUntilAsync(() => _end - _start >= contentLength ? 0 : -1);
                _start += contentLength;
            }
            else if (chunked)
            {
                while (true)
                {
                    var lineEnd = await FillUntilAsync(() => _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8));
                    if (!Utf8Parser.TryParse(_buffer.AsSpan(_start, lineEnd), out int size, out _, 'x'))
                        throw new InvalidDataException("Bad chunk size.");
                    _start += lineEnd + 2;
                    await FillUntilAsync(() => _end - _start >= size + 2 ? 0 : -1);
                    _start += size + 2;
                    if (size == 0) break;
                }
            }
            else
            {
                throw new InvalidDataException("A response without Content-Length or chunked encoding cannot be kept alive.");
            }
            return status;
        }

        private static ReadOnlySpan<byte> HeaderValue(ReadOnlySpan<byte> head, ReadOnlySpan<byte> name)
        {
            foreach (var range in head.Split("\r\n"u8))
            {
                var line = head[range];
                if (line.Length > name.Length && Ascii.EqualsIgnoreCase(line[..name.Length], name)) return line[name.Length..].Trim((byte)' ');
            }
            return default;
        }

        /// <summary>Reads from the socket until <paramref name="find"/> answers a non-negative offset, and returns it.</summary>
        private async Task<int> FillUntilAsync(Func<int> find)
        {
            while (true)
            {
                var found = find();
                if (found >= 0) return found;
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                if (_end == _buffer.Length) throw new InvalidDataException("A response does not fit the read buffer.");
                var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
                if (read == 0) throw new IOException("The server closed the connection.");
                _end += read;
            }
        }
    }
}
