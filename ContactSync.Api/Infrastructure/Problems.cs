using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Api.Infrastructure;

/// <summary>
/// The problem responses handlers return (expected outcomes are values, not exceptions). Validation is always
/// 422 with <c>errors</c> (field path → messages); 400 is kept for bodies that are not JSON at all.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "Validation failed",
            Detail = "One or more values are not valid; see errors.",
            Type = ProblemTypes.For(422),
        });

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string detail) => Status(404, "Not found", detail);

    public static ProblemHttpResult Forbidden(string detail) => Status(403, "Forbidden", detail);

    public static ProblemHttpResult Conflict(string detail, string? code = null) => Status(409, "Conflict", detail, code);

    public static ProblemHttpResult PreconditionFailed(string detail) => Status(412, "Precondition failed", detail);

    public static ProblemHttpResult Status(int status, string title, string detail, string? code = null)
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail, Type = ProblemTypes.For(status) };
        if (code is not null) problem.Extensions["code"] = code;
        return TypedResults.Problem(problem);
    }
}
