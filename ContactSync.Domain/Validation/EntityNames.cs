using ContactSync.Domain.Common;

namespace ContactSync.Domain.Validation;

/// <summary>Names of tenants, roles, users and lists: required, one line, at most <see cref="Limits.EntityName"/> characters.</summary>
public static class EntityNames
{
    public static Validated<string> Normalize(string? name, string field = "name")
    {
        var errors = new FieldErrors();
        return new Validated<string>(TextInput.Required(name, field, Limits.EntityName, errors), errors);
    }

    /// <summary>The decider's backstop: the clean name, or a <see cref="DomainRuleViolation"/> with code <c>name.invalid</c>.</summary>
    public static string Require(string? name)
    {
        var result = Normalize(name);
        return result.IsValid ? result.Value : throw new DomainRuleViolation("name.invalid", $"The name is not valid: {result.Errors}");
    }
}
