using ContactSync.Domain.Contacts;
using ContactSync.Domain.Validation;

namespace ContactSync.Domain.Tests.Validation;

public sealed class ContactValidationTests
{
    private static Validated<ContactFields> Normalize(ContactFields fields) => ContactValidation.Normalize(fields);

    [Theory]
    [InlineData("Ada")]
    [InlineData("محمد عبد الله")]
    [InlineData("דוד בן־גוריון")]
    [InlineData("李小龍")]
    [InlineData("たなか はなこ")]
    [InlineData("Дмитрий")]
    [InlineData("Σωκράτης")]
    [InlineData("ሰላም")]
    [InlineData("👩🏽‍💻 Ada 🦄")]
    [InlineData("नमस्ते")]
    [InlineData("\u200Fמרים\u200E")]
    public void Names_in_any_script_with_emoji_and_joiners_are_kept(string given)
    {
        var result = Normalize(new ContactFields { Name = new PersonName(given) });
        Assert.True(result.IsValid, result.Errors.ToString());
        Assert.Equal(given.Normalize(), result.Value.Name.Given);
    }

    [Fact]
    public void Text_is_trimmed_and_NFC_normalised_and_blank_becomes_unset()
    {
        var result = Normalize(new ContactFields { Name = new PersonName("  Jose\u0301\u00A0", Family: "   "), Company = " Acme " });
        Assert.True(result.IsValid, result.Errors.ToString());
        Assert.Equal("Jos\u00e9", result.Value.Name.Given);
        Assert.Null(result.Value.Name.Family);
        Assert.Equal("Acme", result.Value.Company);
    }

    [Theory]
    [InlineData("Ada\u0000")]
    [InlineData("Ada\nLovelace")]
    [InlineData("Ada\tLovelace")]
    [InlineData("Ada\u001B[31m")]
    [InlineData("Ada\u0085")]
    [InlineData("Ada\u202Eecilana")]
    [InlineData("Ada\u2066x\u2069")]
    [InlineData("Ada\uFFFF")]
    public void Control_characters_bidi_overrides_and_broken_surrogates_are_refused_in_names(string given)
    {
        var result = Normalize(new ContactFields { Name = new PersonName(given) });
        Assert.Equal(["name.given"], result.Errors.Fields);
    }

    [Fact]
    public void A_broken_surrogate_pair_is_refused() =>
        Assert.Equal(["name.given"], Normalize(new ContactFields { Name = new PersonName("Ada\uD800") }).Errors.Fields);

    [Fact]
    public void Notes_keep_line_breaks_and_tabs_but_refuse_other_control_characters()
    {
        Assert.True(Normalize(new ContactFields { Notes = "line 1\r\n\tline 2\nline 3" }).IsValid);
        Assert.Equal(["notes"], Normalize(new ContactFields { Notes = "bell\u0007" }).Errors.Fields);
    }

    [Theory]
    [InlineData("<script>alert('x')</script>")]
    [InlineData("Robert'); DROP TABLE contacts;--")]
    [InlineData("{{7*7}} ${7*7} <%= 7*7 %>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    public void Markup_and_injection_strings_are_stored_exactly_as_text(string text)
    {
        var result = Normalize(new ContactFields { Name = new PersonName(text), Notes = text, Company = text });
        Assert.True(result.IsValid, result.Errors.ToString());
        Assert.Equal((text, text, text), (result.Value.Name.Given, result.Value.Notes, result.Value.Company));
    }

    [Fact]
    public void Every_length_limit_is_reported_without_echoing_the_input()
    {
        var huge = new string('x', 1_000_000);
        var result = Normalize(new ContactFields
        {
            Name = new PersonName(new string('a', Limits.NamePart + 1)),
            Notes = huge,
            Company = new string('c', Limits.Company + 1),
            Addresses = [new PostalAddress(Street: new string('s', Limits.Street + 1))],
        });
        Assert.Equal(["name.given", "notes", "company", "addresses[0].street"], result.Errors.Fields);
        Assert.All(result.Errors.ToDictionary().Values.SelectMany(m => m), m => Assert.True(m.Length < 100));
    }

    [Fact]
    public void Limits_count_characters_not_utf16_units()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", Limits.NamePart));
        Assert.True(Normalize(new ContactFields { Name = new PersonName(emoji) }).IsValid);
        Assert.False(Normalize(new ContactFields { Name = new PersonName(emoji + "😀") }).IsValid);
    }

    [Fact]
    public void Lists_over_their_count_limit_are_reported_once()
    {
        var result = Normalize(new ContactFields
        {
            Emails = [.. Enumerable.Range(0, Limits.Emails + 1).Select(i => new EmailAddress($"a{i}@example.com"))],
            Phones = [.. Enumerable.Range(0, 100_000).Select(_ => new PhoneNumber("bad"))],
        });
        Assert.Equal(["emails", "phones"], result.Errors.Fields);
        Assert.Single(result.Errors.For("phones"));
    }

    [Fact]
    public void Tags_are_limited_deduplicated_and_cleaned()
    {
        var tags = ContactValidation.NormalizeTags([" vip ", "VIP", "Kunde", "客户", "vip"]);
        Assert.Equal(["vip", "Kunde", "客户"], tags.Value);
        Assert.Equal(["tags"], ContactValidation.NormalizeTags([.. Enumerable.Range(0, Limits.Tags + 1).Select(i => $"t{i}")]).Errors.Fields);
        Assert.Equal(["tags[1]"], ContactValidation.NormalizeTags(["ok", " "]).Errors.Fields);
        Assert.Equal(["tags[0]"], ContactValidation.NormalizeTags([new string('t', Limits.Tag + 1)]).Errors.Fields);
    }

    [Fact]
    public void Each_item_error_names_its_index_and_part()
    {
        var result = Normalize(new ContactFields
        {
            Emails = [new EmailAddress("ok@example.com"), new EmailAddress("nope")],
            Phones = [new PhoneNumber("+49 30 123456"), new PhoneNumber("call me maybe", "mobile")],
            Birthday = new Birthday(2023, 2, 29),
            Addresses = [new PostalAddress(City: "Berlin", CountryCode: "Germany"), new PostalAddress(Type: "home")],
            Ims = [new InstantMessenger("xmpp", " ")],
            Websites = [new Website("javascript:alert(1)"), new Website("example.com/about")],
            PhotoUrl = "ftp://example.com/p.png",
        });
        Assert.Equal(
            ["emails[1].value", "phones[1].value", "birthday", "addresses[0].countryCode", "addresses[1]", "ims[0].handle", "websites[0].url", "photoUrl"],
            result.Errors.Fields);
    }

    [Fact]
    public void Null_items_and_missing_required_parts_are_errors_not_exceptions()
    {
        var result = Normalize(new ContactFields { Emails = [null!, new EmailAddress(null!)], Name = null! });
        Assert.Equal(["emails[0]", "emails[1].value"], result.Errors.Fields);
    }

    [Fact]
    public void Phones_keep_the_typed_text_and_gain_the_normalised_form()
    {
        var result = Normalize(new ContactFields { Phones = [new PhoneNumber("  +44 (0)20 7946 0958 ", "work", "+1999")] });
        Assert.Equal(new PhoneNumber("+44 (0)20 7946 0958", "work", "+442079460958"), Assert.Single(result.Value.Phones));
    }

    [Fact]
    public void Country_codes_are_upper_cased()
    {
        var result = Normalize(new ContactFields { Addresses = [new PostalAddress(City: "Lyon", CountryCode: "fr")] });
        Assert.Equal("FR", result.Value.Addresses[0].CountryCode);
    }

    [Fact]
    public void Normalising_twice_changes_nothing()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var once = Normalize(Support.Fakes.Fields(seed));
            Assert.True(once.IsValid, once.Errors.ToString());
            Assert.Equal(once.Value, Normalize(once.Value).Value);
        }
    }
}
