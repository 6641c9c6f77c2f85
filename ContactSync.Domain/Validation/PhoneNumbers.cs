using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ContactSync.Domain.Validation;

/// <summary>
/// The matching form of a phone number, derived from the typed text without a numbering-plan library: digits
/// only (any script's digits become ASCII), a leading <c>+</c> when the number is international, and an RFC 3966
/// <c>;ext=</c> suffix for an extension. "00" at the start is read as the international prefix, and a trunk
/// "(0)" inside an international number is dropped (<c>+44 (0)20 7946 0958</c> → <c>+442079460958</c>).
/// National numbers stay national (no country is guessed). The typed text itself is never changed.
/// </summary>
public static partial class PhoneNumbers
{
    public static string? Normalize(string? typed) => Parse(typed).Normalized;

    /// <summary>Null when the typed text is an acceptable phone number; otherwise why not.</summary>
    public static string? Check(string? typed) => Parse(typed).Error;

    private static (string? Normalized, string? Error) Parse(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return (null, "Is required.");
        }
        if (typed.Length > Limits.PhoneNumber * 2)
        {
            return (null, $"Must be at most {Limits.PhoneNumber} characters.");
        }
        var main = typed.Trim();
        string? extension = null;
        if (Extension().Match(main) is { Success: true } ext)
        {
            main = ext.Groups["main"].Value;
            extension = ext.Groups["ext"].Value;
        }
        var international = main.StartsWith('+') || main.StartsWith('\uFF0B');
        if (international)
        {
            main = TrunkZero().Replace(main, "");
        }
        var digits = new StringBuilder();
        var realDigits = 0;
        for (var i = 0; i < main.Length; i++)
        {
            var c = main[i];
            if (char.IsDigit(c))
            {
                digits.Append((char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c)));
                realDigits++;
            }
            else if (c is '+' or '\uFF0B' && i == 0)
            {
                continue;
            }
            else if (char.IsAsciiLetter(c) && realDigits >= Limits.PhoneDigitsMin)
            {
                digits.Append(Keypad(char.ToUpperInvariant(c)));
            }
            else if (!IsSeparator(c))
            {
                return (null, "Contains characters that do not belong in a phone number.");
            }
        }
        if (!international && digits.Length > 2 && digits[0] == '0' && digits[1] == '0' && main.TrimStart().StartsWith("00", StringComparison.Ordinal))
        {
            international = true;
            digits.Remove(0, 2);
        }
        if (realDigits < Limits.PhoneDigitsMin || digits.Length > Limits.PhoneDigitsMax)
        {
            return (null, $"Must have between {Limits.PhoneDigitsMin} and {Limits.PhoneDigitsMax} digits.");
        }
        var normalized = (international ? "+" : "") + digits + (extension is null ? "" : ";ext=" + extension);
        return (normalized, null);
    }

    private static bool IsSeparator(char c) =>
        c is ' ' or '\u00A0' or '\u202F' or '-' or '.' or '(' or ')' or '/' or '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212';

    private static char Keypad(char letter) => letter switch
    {
        <= 'C' => '2',
        <= 'F' => '3',
        <= 'I' => '4',
        <= 'L' => '5',
        <= 'O' => '6',
        <= 'S' => '7',
        <= 'V' => '8',
        _ => '9',
    };

    [GeneratedRegex(@"^(?<main>.*?\d.*?)[\s,;]*(?:ext\.?|extension|x|#|;ext=)\s*(?<ext>\d{1,10})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Extension();

    [GeneratedRegex(@"\(\s*0\s*\)")]
    private static partial Regex TrunkZero();
}
