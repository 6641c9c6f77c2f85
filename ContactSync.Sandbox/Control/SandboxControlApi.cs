using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Sandbox.Control;

/// <summary>The <c>/_sandbox</c> control API for tests and demos (api.md, "Sandbox control API").</summary>
public static class SandboxControlApi
{
    public static IHostApplicationBuilder AddSandboxControl(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SandboxControl>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSandboxControlApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/_sandbox").WithTags("Sandbox");
        group.MapPost("/{provider}/accounts", CreateAccount);
        group.MapPost("/faults", SetFaults);
        group.MapGet("/stats", GetStats);
        group.MapPost("/reset", Reset);
        return app;
    }

    public sealed record CreateAccountRequest(string? Email);
    public sealed record CreateAccountResponse(string Email, string AccessToken);

    public sealed record FaultsRequest(
        string? Provider, double? Status429Rate, double? Status5xxRate, int? LatencyMs, double? ResetRate,
        bool? ExpireCursors, int? RetryAfterSeconds, bool? EnforceConcurrencyLimit, int? PropagationDelayMs);

    private static Results<Created<CreateAccountResponse>, NotFound<ProblemDetails>, ValidationProblem> CreateAccount(
        string provider, CreateAccountRequest body, SandboxControl control)
    {
        if (control.Find(provider) is not { } emulator)
            return TypedResults.NotFound(Problem(404, "Unknown provider", $"No emulator named '{provider}'."));
        if (string.IsNullOrWhiteSpace(body.Email) || !body.Email.Contains('@') || body.Email.Length > 320)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["An e-mail address is required."] });
        var email = body.Email.Trim().ToLowerInvariant();
        var token = emulator.CreateAccount(email);
        return TypedResults.Created($"/_sandbox/{emulator.Provider}/accounts/{Uri.EscapeDataString(email)}", new CreateAccountResponse(email, token));
    }

    private static Results<Ok<object>, NotFound<ProblemDetails>, ValidationProblem> SetFaults(FaultsRequest body, SandboxControl control)
    {
        var errors = new Dictionary<string, string[]>();
        void Rate(string name, double? v) { if (v is < 0 or > 1) errors[name] = ["Must be between 0 and 1."]; }
        Rate("status429Rate", body.Status429Rate);
        Rate("status5xxRate", body.Status5xxRate);
        Rate("resetRate", body.ResetRate);
        if (body.LatencyMs is < 0 or > 60_000) errors["latencyMs"] = ["Must be between 0 and 60000."];
        if (body.RetryAfterSeconds is < 0 or > 3600) errors["retryAfterSeconds"] = ["Must be between 0 and 3600."];
        if (body.PropagationDelayMs is < 0 or > 600_000) errors["propagationDelayMs"] = ["Must be between 0 and 600000."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var targets = string.IsNullOrEmpty(body.Provider) || body.Provider == "*"
            ? control.Emulators
            : control.Find(body.Provider) is { } one ? [one] : [];
        if (targets.Count == 0)
            return TypedResults.NotFound(Problem(404, "Unknown provider", $"No emulator named '{body.Provider}'."));

        foreach (var emulator in targets)
        {
            var current = control.FaultsFor(emulator.Provider);
            control.SetFaults(emulator.Provider, current with
            {
                Status429Rate = body.Status429Rate ?? current.Status429Rate,
                Status5xxRate = body.Status5xxRate ?? current.Status5xxRate,
                LatencyMs = body.LatencyMs ?? current.LatencyMs,
                ResetRate = body.ResetRate ?? current.ResetRate,
                RetryAfterSeconds = body.RetryAfterSeconds ?? current.RetryAfterSeconds,
                EnforceConcurrencyLimit = body.EnforceConcurrencyLimit ?? current.EnforceConcurrencyLimit,
                PropagationDelayMs = body.PropagationDelayMs ?? current.PropagationDelayMs,
            });
            if (body.ExpireCursors == true) emulator.ExpireCursors();
        }
        return TypedResults.Ok<object>(targets.ToDictionary(e => e.Provider, e => control.FaultsFor(e.Provider)));
    }

    private static Ok<object> GetStats(SandboxControl control) =>
        TypedResults.Ok<object>(new { items = control.Stats() });

    private static Ok<object> Reset(SandboxControl control)
    {
        control.Reset();
        return TypedResults.Ok<object>(new { reset = true });
    }

    private static ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };
}
