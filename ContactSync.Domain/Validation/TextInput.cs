using System.Text;

namespace ContactSync.Domain.Validation;

/// <summary>
/// The rules every typed string goes through: refuse invisible and control characters, trim, NFC-normalise,
/// check the length. Markup such as <c>&lt;b&gt;</c> is ordinary text here: it is stored as typed and escaping
/// is the job of whatever renders it.
/// </summary>
public static class TextInput
{
    /// <summary>Null, empty or blank gives null; otherwise the cleaned text (errors are added to <paramref name="errors"/>).</summary>
    public static string? Optional(string? value, string field, int maxLength, FieldErrors errors, bool multiline = false)
    {
        if (value is null)
        {
            return null;
        }
        if (FindForbidden(value, multiline) is { } problem)
        {
            errors.Add(field, problem);
            return null;
        }
        var clean = value.Trim().Normalize(NormalizationForm.FormC);
        if (LengthOf(clean) > maxLength)
        {
            errors.Add(field, $"Must be at most {maxLength} characters.");
        }
        return clean.Length == 0 ? null : clean;
    }

    public static string Required(string? value, string field, int maxLength, FieldErrors errors, bool multiline = false)
    {
        var clean = Optional(value, field, maxLength, errors, multiline);
        if (clean is null && errors.For(field).Count == 0)
        {
            errors.Add(field, "Is required.");
        }
        return clean ?? "";
    }

    /// <summary>Length in Unicode scalar values.</summary>
    public static int LengthOf(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }
        return count;
    }

    private static string? FindForbidden(string value, bool multiline)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                return "Contains an invalid character.";
            }
            if (multiline && c is '\n' or '\r' or '\t')
            {
                continue;
            }
            if (char.IsControl(c))
            {
                return multiline ? "Must not contain control characters other than line breaks and tabs." : "Must not contain line breaks, tabs or control characters.";
            }
            // Bidirectional overrides and isolates can make text display as something else ("Trojan Source");
            // nobody types them into a name. LRM/RLM and joiners stay allowed: real scripts need them.
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\uFFFE' or '\uFFFF')
            {
                return "Contains an invisible formatting character that is not allowed.";
            }
        }
        return null;
    }
}
