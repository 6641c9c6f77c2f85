using ContactSync.Domain.Common;
using ContactSync.EventStore;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ContactSync.Api.Infrastructure;

/// <summary>
/// The one place exceptions become problem responses. Client errors that ASP.NET Core raises while reading a
/// request (malformed JSON, wrong types, a body over the limit) keep their 4xx status; domain rule violations map
/// by code (<c>*.not-found</c> 404, the deciders' invalid-input backstops 422, every other rule 409);
/// a concurrent append is 412 when the client sent If-Match, else 409 (after the endpoint's retries); anything not
/// mapped here is a 500 with a generic title, never the exception text.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        string? code = null;
        var (status, title, detail) = exception switch
        {
            DomainRuleViolation rule => (StatusOf(rule.Code, out code), TitleOf(rule.Code), rule.Message),
            // The client pinned a version with If-Match: the stream moved, so its precondition failed.
            WrongExpectedVersionException when context.Request.Headers.IfMatch.Count > 0 =>
                (412, "Precondition failed", "The resource changed since the version given in If-Match."),
            WrongExpectedVersionException =>
                (409, "Conflict", "The resource kept changing concurrently; read it again and retry."),
            StreamNotFoundException or StreamDeletedException => (404, "Not found", "The resource does not exist."),
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
            ProblemDetails = Problem(status, title, detail, code),
        });
    }

    private static ProblemDetails Problem(int status, string title, string? detail, string? code)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = ProblemTypes.For(status) };
        if (code is not null) problem.Extensions["code"] = code;
        return problem;
    }

    // Deciders re-validate as a backstop; the API answers 422 with field errors before they are reached.
    private static readonly HashSet<string> InvalidInputCodes =
        ["contact.invalid", "name.invalid", "user.email-invalid", "list.filter-invalid", "user.key-hash-invalid", "user.permission-unknown", "connection.invalid"];

    private static int StatusOf(string code, out string? echoed)
    {
        echoed = code;
        if (code.EndsWith(".not-found", StringComparison.Ordinal)) return 404;
        return InvalidInputCodes.Contains(code) ? 422 : 409;
    }

    private static string TitleOf(string code) =>
        code.EndsWith(".not-found", StringComparison.Ordinal) ? "Not found"
        : InvalidInputCodes.Contains(code) ? "Validation failed" : "Conflict";

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Error, "Unhandled exception")]
        public static partial void Unhandled(ILogger logger, Exception exception);
    }
}
