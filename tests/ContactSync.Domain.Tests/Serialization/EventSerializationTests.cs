using System.Text;
using System.Text.Json;
using ContactSync.Domain.Common;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Serialization;
using ContactSync.Domain.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace ContactSync.Domain.Tests.Serialization;

public sealed class EventSerializationTests
{
    [Fact]
    public void Every_event_type_has_a_stable_versioned_name_and_every_sample_covers_the_map()
    {
        Assert.All(EventTypeMap.ByName.Keys, name => Assert.Matches(@"^[A-Z][A-Za-z]+\.v\d+$", name));
        Assert.Equal(EventTypeMap.ByType.Keys.ToHashSet(), SampleEvents.All(1).Select(e => e.GetType()).ToHashSet());
        Assert.Equal("ContactCreated.v1", EventTypeMap.NameOf(typeof(ContactEvent.ContactCreated)));
    }

    [Fact]
    public void Every_event_round_trips_exactly_through_its_stored_form() =>
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            foreach (var original in SampleEvents.All(seed))
            {
                var (type, data) = DomainJson.Serialize(original);
                var copy = DomainJson.Deserialize(type, data);
                Assert.Equal(original.GetType(), copy.GetType());
                Assert.Equal(Encoding.UTF8.GetString(data), Encoding.UTF8.GetString(DomainJson.Serialize(copy).Data));
                AssertSameFold(original, copy);
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Written_through_the_base_type_an_event_carries_its_mapped_name_not_a_clr_name()
    {
        ContactEvent created = Fakes.Created();
        var json = JsonSerializer.Serialize(created, DomainJson.Options);

        Assert.StartsWith("{\"$type\":\"ContactCreated.v1\"", json);
        Assert.DoesNotContain("ContactSync", json);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<ContactEvent>(json, DomainJson.Options), DomainJson.Options));
    }

    [Fact]
    public void Stored_json_is_camel_case_with_wire_names_for_enums_and_explicit_nulls()
    {
        var e = Fakes.Created(visibility: ContactVisibility.OwnerRoleAndBelow) with { Actor = Actor.ForConnection(Guid.Empty, "Outlook") };
        using var doc = JsonDocument.Parse(DomainJson.Serialize(e).Data);
        var root = doc.RootElement;

        Assert.Equal("owner-role-and-below", root.GetProperty("visibility").GetString());
        Assert.Equal("connection", root.GetProperty("actor").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("fields").GetProperty("name").GetProperty("middle").ValueKind);
        Assert.Equal(e.TenantId, root.GetProperty("tenantId").GetGuid());
    }

    [Fact]
    public void An_unknown_stored_type_name_is_an_error_not_a_guess() =>
        Assert.Throws<ArgumentException>(() => DomainJson.Deserialize("ContactMerged.v9", "{}"u8));

    private static void AssertSameFold(object original, object copy)
    {
        if (original is ContactEvent e && e is not ContactEvent.ContactCreated)
        {
            var start = Contact.Fold([Fakes.Created(e.ContactId)]);
            Assert.Equal(Contact.Evolve(start, e), Contact.Evolve(start, (ContactEvent)copy));
        }
        else if (original is ContactEvent.ContactCreated)
        {
            Assert.Equal(Contact.Fold([(ContactEvent)original]), Contact.Fold([(ContactEvent)copy]));
        }
    }
}
