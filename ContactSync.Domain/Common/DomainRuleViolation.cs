namespace ContactSync.Domain.Common;

/// <summary>
/// The one exception a decider throws: the command contradicts a business rule given the current state.
/// <see cref="Code"/> is stable and machine-readable (for example <c>contact.not-found</c>); the message is for people.
/// </summary>
public sealed class DomainRuleViolation(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
