namespace ContactSync.Providers;

/// <summary>Reads each response's body to the end below the adapters' retries, so that a body cut short (a dropped
/// connection mid-response) fails inside the retry instead of later in a client library's parser.</summary>
internal sealed class BufferingHandler : DelegatingHandler
{
    public BufferingHandler() { }

    public BufferingHandler(HttpMessageHandler inner) : base(inner) { }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        try
        {
            await response.Content.LoadIntoBufferAsync(ct);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
