using ContactSync.Api.Auth;
using ContactSync.Api.Infrastructure;
using ContactSync.Api.Users;
using ContactSync.Domain.Common;
using ContactSync.Domain.Tenants;
using ContactSync.Domain.Users;
using ContactSync.Domain.Validation;
using ContactSync.Providers.Streams;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ContactSync.Api.Tenants;

/// <summary>Tenant sign-up, for the operator key only: the tenant, its first admin, and that admin's API key.</summary>
public static class TenantsApi
{
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tenants", CreateTenant).WithTags("Tenants").RequireOperator().WithStandardProblems()
            .WithName(nameof(CreateTenant)).WithSummary("Create a tenant and its first admin (operator key)").ProducesValidation();
        return app;
    }

    public static async Task<Results<Created<CreatedTenantResponse>, ProblemHttpResult>> CreateTenant(
        TenantRequest body, Caller caller, [AsParameters] UserServices s, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = EntityNames.Normalize(body.Name);
        var adminName = EntityNames.Normalize(body.Admin?.Name, "admin.name");
        foreach (var (f, m) in name.Errors.ToDictionary().Concat(adminName.Errors.ToDictionary())) errors.Add(f, m[0]);
        var email = UserBody.CleanEmail(body.Admin?.Email, errors, "admin.email");
        if (!errors.IsEmpty) return Problems.Validation(errors.ToDictionary());

        var tenantId = Guid.CreateVersion7();
        await CommandHandler.HandleAsync(s.Store, TenantDecider.Definition, StreamNames.Tenant(tenantId), Tenant.Initial,
            new TenantCommand.CreateTenant(tenantId, name.Value, Tenant.InitialDefaultVisibility, caller.Actor, s.Time.GetUtcNow()), ct);
        // A brand-new tenant has no users, so the e-mail cannot be taken: CreateAsync returns a user.
        var (admin, key) = (await s.CreateAsync(tenantId, adminName.Value, email.Value, null, true, Permissions.All, caller.Actor, ct))!.Value;
        return TypedResults.Created((string?)null,
            new CreatedTenantResponse(new TenantResponse(tenantId, name.Value), UserResponse.From(admin), key));
    }
}

public sealed record TenantRequest(string? Name, AdminRequest? Admin);

public sealed record AdminRequest(string? Name, string? Email);

public sealed record TenantResponse(Guid Id, string Name);

public sealed record CreatedTenantResponse(TenantResponse Tenant, UserResponse Admin, string ApiKey);
