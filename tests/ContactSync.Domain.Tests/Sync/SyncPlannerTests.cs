using System.Collections.Immutable;
using System.Text.Json;
using ContactSync.Domain.Connections;
using ContactSync.Domain.Contacts;
using ContactSync.Domain.Serialization;
using ContactSync.Domain.Sync;
using ContactSync.Domain.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace ContactSync.Domain.Tests.Sync;

public sealed class SyncPlannerTests
{
    private static readonly Arbitrary<int> Seeds = Arb.From(Gen.Choose(0, int.MaxValue));
    private static readonly Guid Me = Guid.Parse("00000000-0000-0000-0000-00000000000a");

    /// <summary>A random world from a seed: CRM contacts in and out of scope (Bogus, several scripts), provider contacts
    /// that copy some CRM e-mails (in another case), carry some CRM id tags, or are new, existing one-to-one links,
    /// and random settings and cap.</summary>
    private sealed record World(PlannerInputs Inputs, HashSet<Guid> Outside);

    private static World Generate(int seed)
    {
        var random = new Random(seed);
        Guid NewId() { var b = new byte[16]; random.NextBytes(b); return new Guid(b); }
        Contact NewContact(int i, Guid owner) => Contact.Initial with
        {
            Id = NewId(), TenantId = Fakes.Tenant, OwnerId = owner, Version = 1,
            Fields = ContactValidation.Normalize(Fakes.Fields(seed ^ (i * 7919))).Value,
        };
        var inScope = Enumerable.Range(0, random.Next(0, 40)).Select(i => NewContact(i, Me)).ToList();
        var outside = Enumerable.Range(100, random.Next(0, 10)).Select(i => NewContact(i, Me)).ToList();
        var others = Enumerable.Range(200, random.Next(0, 10)).Select(i => NewContact(i, NewId())).ToList();

        var provider = new List<PlanProviderContact>();
        var n = 0;
        string ProviderId() => $"people/c{random.Next():x8}{n++}";
        foreach (var c in inScope.Concat(outside).Concat(others))
        {
            switch (random.Next(6))
            {
                case 0 when c.Fields.Emails.Count > 0:
                    var e = c.Fields.Emails[0];
                    provider.Add(new(ProviderId(), c.Fields with { Emails = [e with { Value = " " + e.Value.ToUpperInvariant() }] }, null));
                    break;
                case 1:
                    provider.Add(new(ProviderId(), c.Fields, c.Id.ToString()));
                    break;
                case 2:
                    provider.Add(new(ProviderId(), c.Fields, null));
                    break;
            }
        }
        for (var i = 0; i < random.Next(0, 15); i++) provider.Add(new(ProviderId(), ContactValidation.Normalize(Fakes.Fields(seed + 31 * i)).Value, null));

        var links = new Dictionary<Guid, ContactLink>();
        var candidates = inScope.Concat(outside).Where(_ => random.Next(4) == 0).ToList();
        var linkable = provider.Where(_ => random.Next(3) == 0).ToList();
        foreach (var (c, p) in candidates.Zip(linkable))
            links[c.Id] = new ContactLink(c.Id, p.Id, "etag", c.Fields, random.Next(2) == 0);

        var settings = ConnectionSettings.Default with
        {
            Direction = (SyncDirection)random.Next(3),
            MatchBy = random.Next(4) == 0 ? MatchBy.None : MatchBy.Email,
        };
        int? max = random.Next(3) == 0 ? random.Next(0, provider.Count + inScope.Count + 1) : null;
        Func<ContactFields, ContactFields> retainable = f => f with { Gender = null };
        return new World(new PlannerInputs(inScope, provider, links, settings, FirstSync: random.Next(4) != 0, max, provider.Count, retainable, others),
            [.. outside.Select(c => c.Id)]);
    }

    private static IEnumerable<Guid> CrmIds(SyncPlan p) =>
        p.ToCreateInProvider.Concat(p.ToLink.Select(l => l.ContactId)).Concat(p.ToDeleteInProvider.Concat(p.ToTakeOutOfGroup).Select(r => r.ContactId));

    private static IEnumerable<string> ProviderIds(SyncPlan p) =>
        p.ToImport.Select(i => i.Id).Concat(p.ToLink.Select(l => l.ProviderId)).Concat(p.ToDeleteInProvider.Concat(p.ToTakeOutOfGroup).Select(r => r.ProviderId));

    [Fact]
    public void No_contact_is_planned_twice_on_either_side() =>
        Prop.ForAll(Seeds, seed =>
        {
            var plan = SyncPlanner.Plan(Generate(seed).Inputs);
            Assert.Equal(CrmIds(plan).Count(), CrmIds(plan).Distinct().Count());
            Assert.Equal(ProviderIds(plan).Count(), ProviderIds(plan).Distinct().Count());
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Links_are_one_to_one_and_never_relink_what_is_linked() =>
        Prop.ForAll(Seeds, seed =>
        {
            var x = Generate(seed).Inputs;
            var plan = SyncPlanner.Plan(x);
            var linkedProvider = x.Links.Values.Select(l => l.ProviderId).ToHashSet();
            Assert.All(plan.ToLink, l => Assert.False(x.Links.ContainsKey(l.ContactId)));
            Assert.All(plan.ToLink, l => Assert.DoesNotContain(l.ProviderId, linkedProvider));
            Assert.Equal(plan.ToLink.Count, plan.ToLink.Select(l => l.ContactId).Distinct().Count());
            Assert.Equal(plan.ToLink.Count, plan.ToLink.Select(l => l.ProviderId).Distinct().Count());
            var provider = x.Provider.ToDictionary(p => p.Id);
            var crm = x.InScope.ToDictionary(c => c.Id);
            foreach (var l in plan.ToLink)
            {
                if (l.Reason == LinkReason.CrmIdTag) Assert.Equal(l.ContactId.ToString(), provider[l.ProviderId].CrmId);
                else Assert.NotEmpty(MatchKeys.EmailKeys(crm[l.ContactId].Fields).Intersect(MatchKeys.EmailKeys(provider[l.ProviderId].Fields)));
            }
            if (!x.FirstSync || x.Settings.MatchBy == MatchBy.None) Assert.DoesNotContain(plan.ToLink, l => l.Reason == LinkReason.Email);
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Nothing_outside_the_scope_or_against_the_direction_is_touched() =>
        Prop.ForAll(Seeds, seed =>
        {
            var (x, outside) = Generate(seed);
            var plan = SyncPlanner.Plan(x);
            var scope = x.InScope.Select(c => c.Id).ToHashSet();
            Assert.All(plan.ToCreateInProvider.Concat(plan.ToLink.Select(l => l.ContactId)), id => Assert.Contains(id, scope));
            // Removals are only of links whose contact left the scope, and the sync deletes only what it created (rule 2).
            Assert.All(plan.ToDeleteInProvider.Concat(plan.ToTakeOutOfGroup), r =>
            {
                Assert.DoesNotContain(r.ContactId, scope);
                Assert.Equal(x.Links[r.ContactId].CreatedBySync, r.Delete);
            });
            Assert.All(plan.ToImport, p => Assert.Contains(p, x.Provider));
            if (!x.Settings.PullsFromProvider) Assert.Empty(plan.ToImport);
            if (!x.Settings.PushesToProvider) Assert.Empty(plan.ToCreateInProvider.Concat(plan.ToDeleteInProvider.Select(r => r.ContactId)));
            if (x.MaxContacts is { } max) Assert.True(plan.ToCreateInProvider.Count <= Math.Max(0, max - x.ProviderTotal));
            // Every unlinked contact on each side has exactly one fate, as the direction allows.
            if (x.Settings.Direction == SyncDirection.TwoWay && x.MaxContacts is null)
                Assert.Equal(scope.Count, plan.ToCreateInProvider.Count + plan.ToLink.Count + x.Links.Keys.Count(scope.Contains));
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void The_plan_is_deterministic_whatever_the_order_of_the_inputs() =>
        Prop.ForAll(Seeds, seed =>
        {
            var x = Generate(seed).Inputs;
            var random = new Random(seed);
            var shuffled = x with
            {
                InScope = [.. x.InScope.OrderBy(_ => random.Next())],
                Provider = [.. x.Provider.OrderBy(_ => random.Next())],
                OthersContacts = [.. x.OthersContacts.OrderBy(_ => random.Next())],
                Links = x.Links.OrderBy(_ => random.Next()).ToImmutableDictionary(),
            };
            Assert.Equal(Json(SyncPlanner.Plan(x)), Json(SyncPlanner.Plan(shuffled)));
        }).QuickCheckThrowOnFailure();

    private static string Json(SyncPlan plan) => JsonSerializer.Serialize(plan, DomainJson.Options);

    private static Contact Crm(string email, Guid? id = null, Guid? owner = null, string? company = null, string? name = null) => Contact.Initial with
    {
        Id = id ?? Guid.CreateVersion7(), TenantId = Fakes.Tenant, OwnerId = owner ?? Me, Version = 1,
        Fields = new ContactFields { Emails = [new EmailAddress(email)], Company = company, Name = new PersonName(Display: name) },
    };

    private static PlannerInputs Inputs(IReadOnlyList<Contact> crm, IReadOnlyList<PlanProviderContact> provider, ConnectionSettings? settings = null,
        int? max = null, IReadOnlyList<Contact>? others = null) =>
        new(crm, provider, new Dictionary<Guid, ContactLink>(), settings ?? ConnectionSettings.Default, true, max, provider.Count, f => f, others ?? []);

    [Fact]
    public void A_crm_id_tag_wins_over_an_email_and_an_email_matches_whatever_its_case()
    {
        var tagged = Crm("ada@example.com");
        var byEmail = Crm("grace@example.com");
        var plan = SyncPlanner.Plan(Inputs([tagged, byEmail],
        [
            new("people/1", new ContactFields { Emails = [new EmailAddress("ADA@Example.com ")] }, null),
            new("people/2", new ContactFields { Emails = [new EmailAddress("someone@else.org")] }, tagged.Id.ToString()),
            new("people/3", new ContactFields { Emails = [new EmailAddress("Grace@EXAMPLE.com")] }, null),
        ]));
        Assert.Equal([new PlannedLink(tagged.Id, "people/2", LinkReason.CrmIdTag), new PlannedLink(byEmail.Id, "people/3", LinkReason.Email)], plan.ToLink);
        Assert.Equal(["people/1"], plan.ToImport.Select(p => p.Id));
        Assert.Empty(plan.ToCreateInProvider);
    }

    [Fact]
    public void The_cap_leaves_the_rest_out_and_says_how_many()
    {
        var crm = Enumerable.Range(0, 10).Select(i => Crm($"c{i}@example.com")).ToList();
        var plan = SyncPlanner.Plan(Inputs(crm, [new("people/x", new ContactFields(), null)], max: 4));
        Assert.Equal(3, plan.ToCreateInProvider.Count);
        var cap = Assert.IsType<PlanWarning.CapReached>(Assert.Single(plan.Warnings));
        Assert.Equal(7, cap.NotFitting);
        Assert.Equal(crm.Select(c => c.Id).Order().Take(3), plan.ToCreateInProvider);
    }

    [Fact]
    public void An_import_that_resembles_another_users_contact_is_warned_about_and_still_imported()
    {
        var other = Guid.CreateVersion7();
        var theirs = Crm("jan@firma.pl", owner: other);
        var colleague = Crm("x@y.pl", owner: other, company: "Firma Sp. z o.o.", name: "Łukasz Kowalski");
        var plan = SyncPlanner.Plan(Inputs([], [
            new("people/1", new ContactFields { Emails = [new EmailAddress("JAN@firma.pl")] }, null),
            new("people/2", new ContactFields { Company = "firma sp z o o", Name = new PersonName("Lukasz", Family: "Kowalsky") }, null),
            new("people/3", new ContactFields { Company = "Other", Name = new PersonName("Lukasz", Family: "Kowalski") }, null),
        ], others: [theirs, colleague]));
        Assert.Equal(3, plan.ToImport.Count);
        var duplicates = Assert.IsType<PlanWarning.LikelyDuplicates>(Assert.Single(plan.Warnings));
        Assert.Equal([new LikelyDuplicate("people/1", theirs.Id, other, DuplicateReason.Email), new LikelyDuplicate("people/2", colleague.Id, other, DuplicateReason.Name)],
            duplicates.Samples);
    }

    [Fact]
    public void One_way_directions_plan_one_way_and_values_the_provider_cannot_hold_are_named()
    {
        var crm = Crm("a@example.com") with { Fields = new ContactFields { Emails = [new EmailAddress("a@example.com")], Gender = "female" } };
        var provider = new PlanProviderContact("people/9", new ContactFields { Emails = [new EmailAddress("new@example.com")] }, null);
        var toProvider = SyncPlanner.Plan(Inputs([crm], [provider], ConnectionSettings.Default with { Direction = SyncDirection.ToProvider }) with { Retainable = f => f with { Gender = null } });
        Assert.Equal([crm.Id], toProvider.ToCreateInProvider);
        Assert.Empty(toProvider.ToImport);
        Assert.Equal(["gender"], Assert.IsType<PlanWarning.ValuesNotHeld>(Assert.Single(toProvider.Warnings)).Fields);
        var fromProvider = SyncPlanner.Plan(Inputs([crm], [provider], ConnectionSettings.Default with { Direction = SyncDirection.FromProvider }));
        Assert.Empty(fromProvider.ToCreateInProvider);
        Assert.Equal(["people/9"], fromProvider.ToImport.Select(p => p.Id));
    }
}
