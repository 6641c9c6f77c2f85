using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Tenants;
using ContactSync.Projector.Tests.Support;
using ContactSync.Testing;

namespace ContactSync.Projector.Tests.Audit;

[Collection(PostgresCollection.Name)]
public sealed class AuditProjectionTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Every_event_gets_one_audit_row_with_actor_and_field_level_changes()
    {
        await using var scope = await ProjectorScope.CreateAsync(fixture);
        await scope.StartProjectorAsync();
        var w = scope.Writer;
        var tenant = await w.NewTenantAsync("Acme");
        await w.Tenant(tenant, new TenantCommand.RenameTenant(tenant, "Acme Ltd", DomainWriter.Admin, w.Tick()));
        var owner = Guid.CreateVersion7();
        var contact = await w.NewContactAsync(tenant, owner, "Ann", "Lee", "Initech");
        var sync = Actor.ForConnection(Guid.CreateVersion7(), "Google: ann@example.com");
        await w.Contact(contact, new ContactCommand.UpdateContact(contact, new ContactPatch { Company = "Globex", JobTitle = "CTO" }, sync, w.Tick()));

        await scope.WaitForProjectionsAsync("audit");

        var rows = await scope.RowsAsync("""
            SELECT entity_kind, entity_id, version, type, actor_kind, actor_id, actor_name, changes::text
              FROM rm.audit WHERE tenant_id = $1 ORDER BY commit_position, prepare_position
            """, tenant);
        Assert.Equal(4, rows.Count);
        Assert.Equal(["tenant", tenant, 1L, "TenantRenamed.v1", "system", "system", "tests"], rows[1][..7]);
        Assert.Equal(["contact", contact, 1L, "ContactUpdated.v1", "connection", sync.Id, sync.Name], rows[3][..7]);
        var changes = JsonDocument.Parse((string)rows[3][7]!).RootElement.EnumerateArray()
            .Select(c => (c.GetProperty("field").GetString(), c.GetProperty("from").ToString(), c.GetProperty("to").ToString()))
            .OrderBy(c => c.Item1).ToList();
        Assert.Equal([("company", "Initech", "Globex"), ("jobTitle", "", "CTO")], changes);
        var rename = JsonDocument.Parse((string)rows[1][7]!).RootElement[0];
        Assert.Equal("name|Acme|Acme Ltd", $"{rename.GetProperty("field")}|{rename.GetProperty("from")}|{rename.GetProperty("to")}");
        var created = JsonDocument.Parse((string)rows[2][7]!).RootElement.EnumerateArray().Select(c => c.GetProperty("field").GetString()).ToList();
        Assert.Contains("name.given", created);
        Assert.Contains("ownerId", created);
    }
}
