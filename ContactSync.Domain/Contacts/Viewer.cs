namespace ContactSync.Domain.Contacts;

/// <summary>The user asking: who they are, their role (if any), and whether they are a tenant admin.</summary>
public sealed record Viewer(Guid TenantId, Guid UserId, Guid? RoleId, bool IsAdmin);
