using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using ContactSync.Domain.Validation;

namespace ContactSync.Domain.Contacts;

/// <summary>
/// The normalised keys two contacts are compared on when the question is "is this the same person?": the e-mail
/// match of a first sync and the likely duplicates of rule 15. E-mails compare trimmed and case-insensitively;
/// phones on their normalised form (else their digits); names and companies case-, accent- and spacing-insensitively,
/// and two names are close when their words are the same in any order or differ by at most one typo per
/// <see cref="CharsPerTypo"/> characters. The read model's SQL functions <c>rm.email_keys</c> and <c>rm.phone_keys</c>
/// compute the first two the same way, so an index finds the candidates and this class decides.
/// </summary>
public static class MatchKeys
{
    private const int CharsPerTypo = 6;
    private const int MinPhoneDigits = 6;

    public static string EmailKey(string email) => email.Trim().ToLowerInvariant();

    public static IEnumerable<string> EmailKeys(ContactFields f) => f.Emails.Select(e => EmailKey(e.Value)).Where(k => k.Length > 0).Distinct();

    /// <summary>The normalised number, else the digits when there are enough of them to mean something; null otherwise.</summary>
    public static string? PhoneKey(PhoneNumber p)
    {
        if ((p.Normalized ?? PhoneNumbers.Normalize(p.Value)) is { Length: > 0 } normalized) return normalized;
        var digits = new string([.. p.Value.Where(char.IsAsciiDigit)]);
        return digits.Length >= MinPhoneDigits ? digits : null;
    }

    public static IEnumerable<string> PhoneKeys(ContactFields f) => f.Phones.Select(PhoneKey).OfType<string>().Distinct();

    /// <summary>The company, folded; null when there is none.</summary>
    public static string? CompanyKey(ContactFields f) => Fold(f.Company) is { Length: > 0 } k ? k : null;

    /// <summary>The name's words, folded and sorted (so "Kowalski Jan" and "Jan Kowalski" agree); null without a name.</summary>
    public static string? NameKey(ContactFields f)
    {
        var name = f.Name.Display ?? string.Join(' ', new[] { f.Name.Given, f.Name.Middle, f.Name.Family }.Where(p => !string.IsNullOrWhiteSpace(p)));
        var words = Fold(name).Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        return words.Length == 0 ? null : string.Join(' ', words);
    }

    /// <summary>Two name keys that name the same person, allowing a typo or two in a long name.</summary>
    public static bool NamesClose(string a, string b) =>
        a == b || Math.Abs(a.Length - b.Length) <= a.Length / CharsPerTypo && Distance(a, b) <= Math.Min(a.Length, b.Length) / CharsPerTypo;

    /// <summary>Why <paramref name="a"/> and <paramref name="b"/> look like one person, or null when they do not.</summary>
    public static DuplicateReason? Resemblance(ContactFields a, ContactFields b) => Resemblances(a, b).Cast<DuplicateReason?>().FirstOrDefault();

    /// <summary>Every reason two contacts look like one person, strongest first (e-mail, phone, a close name in the
    /// same company); empty when they do not.</summary>
    public static IEnumerable<DuplicateReason> Resemblances(ContactFields a, ContactFields b)
    {
        if (EmailKeys(a).Intersect(EmailKeys(b)).Any()) yield return DuplicateReason.Email;
        if (PhoneKeys(a).Intersect(PhoneKeys(b)).Any()) yield return DuplicateReason.Phone;
        if (CompanyKey(a) is { } ca && ca == CompanyKey(b) && NameKey(a) is { } na && NameKey(b) is { } nb && NamesClose(na, nb))
            yield return DuplicateReason.Name;
    }

    /// <summary>Lower case without accents, punctuation as spaces, one space between words.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var ch in text.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(ch))
            {
                if (space && sb.Length > 0) sb.Append(' ');
                space = false;
                sb.Append(char.ToLowerInvariant(ch));
            }
            else space = true;
        }
        return sb.ToString().Normalize(NormalizationForm.FormC).Replace('ł', 'l');
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

/// <summary>What two contacts share that makes them look like one person (rule 15).</summary>
public enum DuplicateReason
{
    [JsonStringEnumMemberName("email")] Email,
    [JsonStringEnumMemberName("phone")] Phone,
    [JsonStringEnumMemberName("name")] Name,
}
