using System.Globalization;
using System.Text;

namespace ContactSync.Domain.Validation;

/// <summary>
/// A pragmatic subset of RFC 5322 addresses: a dot-atom local part (ASCII atext, plus non-ASCII letters as
/// RFC 6531 allows) and a host name of at least two labels, internationalised domains included. Quoted local
/// parts, comments and IP-literal domains are refused: people do not type them into a CRM.
/// </summary>
public static class EmailSyntax
{
    private const string AtextSymbols = "!#$%&'*+-/=?^_`{|}~";

    public static bool IsValid(string? address) => Check(address) is null;

    /// <summary>Null when the address is acceptable; otherwise why not.</summary>
    public static string? Check(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return "Is required.";
        }
        if (address.Length > Limits.EmailAddress)
        {
            return $"Must be at most {Limits.EmailAddress} characters.";
        }
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return "Must be an e-mail address such as name@example.com.";
        }
        return CheckLocalPart(address[..at]) ?? CheckDomain(address[(at + 1)..]);
    }

    private static string? CheckLocalPart(string local)
    {
        if (local.Length > Limits.EmailLocalPart)
        {
            return $"The part before @ must be at most {Limits.EmailLocalPart} characters.";
        }
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
        {
            return "The part before @ must not start or end with a dot or contain two dots in a row.";
        }
        foreach (var rune in local.EnumerateRunes())
        {
            var ok = rune.IsAscii
                ? Rune.IsLetterOrDigit(rune) || rune.Value == '.' || AtextSymbols.Contains((char)rune.Value)
                : Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (!ok)
            {
                return "The part before @ contains a character that is not allowed.";
            }
        }
        return null;
    }

    private static string? CheckDomain(string domain)
    {
        string ascii;
        try
        {
            // A new mapping per call: IdnMapping is mutable and not documented as thread-safe.
            ascii = new IdnMapping { UseStd3AsciiRules = true, AllowUnassigned = false }.GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return "The domain is not a valid host name.";
        }
        var labels = ascii.Split('.');
        if (ascii.Length > 253 || labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63))
        {
            return "The domain is not a valid host name.";
        }
        if (labels[^1].All(char.IsAsciiDigit))
        {
            return "The domain must be a host name, not an IP address.";
        }
        return null;
    }
}
