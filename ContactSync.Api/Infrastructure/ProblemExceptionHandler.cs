using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ContactSync.Api.Infrastructure;

/// <summary>
/// The one place exceptions become problem responses. Client errors that ASP.NET Core raises while reading a
/// request (malformed JSON, wrong types, a body over the limit) keep their 4xx status; anything not mapped here
/// is a 500 with a generic title, never the exception text.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (413, "Request body too large", $"The request body exceeds {ApiInfrastructure.MaxRequestBodyBytes} bytes."),
            BadHttpRequestException bad when bad.InnerException is System.Text.Json.JsonException json =>
                (400, "Malformed JSON", json.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                (415, "Unsupported media type", "Send the body as application/json."),
            BadHttpRequestException { Message: var m } when m.Contains("no body was provided", StringComparison.Ordinal) =>
                (400, "Missing body", "A JSON request body is required."),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            _ => (500, "An unexpected error occurred", null),
        };
        if (status >= 500) Log.Unhandled(logger, exception);

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = ProblemTypes.For(status) },
        });
    }

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Error, "Unhandled exception")]
        public static partial void Unhandled(ILogger logger, Exception exception);
    }
}
