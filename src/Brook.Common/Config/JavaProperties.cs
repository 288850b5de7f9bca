using System.Globalization;
using System.Text;

namespace Brook.Common.Config;

/// <summary>One key/value pair read from a .properties text, with the (1-based) line where its logical line starts.</summary>
public readonly record struct PropertyEntry(string Key, string Value, int Line);

/// <summary>A reader for the Java .properties format that Kafka's server.properties uses.</summary>
/// <remarks>
/// Rules (as java.util.Properties): lines end at \n, \r or \r\n; leading whitespace (space, tab, form feed) is skipped;
/// lines whose first non-blank character is '#' or '!' are comments; an odd number of trailing backslashes continues the
/// line onto the next, whose leading whitespace is dropped (comment lines never continue). The key ends at the first
/// unescaped '=', ':' or whitespace; blanks and one '=' or ':' after it are skipped; the rest of the line is the value
/// (trailing whitespace kept — typed parsing trims it later, as Kafka does). Escapes: \t \n \r \f \uXXXX, and a
/// backslash before any other character yields that character (so \\ \= \: \# \space). Unlike Java we read text as
/// UTF-8 rather than ISO-8859-1, which is what people editing the file today expect.
/// </remarks>
public static class JavaProperties
{
    /// <summary>Reads and parses a file; an unreadable file or malformed escape throws <see cref="ConfigException"/>.</summary>
    public static IReadOnlyList<PropertyEntry> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException($"Cannot read configuration file '{path}': {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses properties text; entries come in file order (a repeated key appears twice; the last one wins when applied).</summary>
    /// <param name="text">The whole file content.</param>
    /// <param name="sourceName">Used in error messages (usually the file path).</param>
    public static IReadOnlyList<PropertyEntry> Parse(string text, string sourceName = "properties")
    {
        var entries = new List<PropertyEntry>();
        var logical = new StringBuilder();
        int pos = 0;
        int lineNumber = 0;
        while (pos < text.Length)
        {
            ReadOnlySpan<char> natural = ReadNaturalLine(text, ref pos);
            lineNumber++;
            int startLine = lineNumber;
            natural = TrimLeadingBlanks(natural);
            if (natural.IsEmpty || natural[0] == '#' || natural[0] == '!')
            {
                continue;
            }

            logical.Clear();
            while (true)
            {
                if (!EndsWithContinuation(natural))
                {
                    logical.Append(natural);
                    break;
                }

                logical.Append(natural[..^1]);
                if (pos >= text.Length)
                {
                    break; // a continuation at end of input just ends the line
                }

                natural = TrimLeadingBlanks(ReadNaturalLine(text, ref pos));
                lineNumber++;
            }

            entries.Add(SplitKeyValue(logical.ToString(), sourceName, startLine));
        }

        return entries;
    }

    private static ReadOnlySpan<char> ReadNaturalLine(string text, ref int pos)
    {
        int start = pos;
        int end = text.AsSpan(start).IndexOfAny('\r', '\n');
        if (end < 0)
        {
            pos = text.Length;
            return text.AsSpan(start);
        }

        end += start;
        pos = end + 1;
        if (text[end] == '\r' && pos < text.Length && text[pos] == '\n')
        {
            pos++;
        }

        return text.AsSpan(start, end - start);
    }

    private static bool IsBlank(char c) => c is ' ' or '\t' or '\f';

    private static ReadOnlySpan<char> TrimLeadingBlanks(ReadOnlySpan<char> line)
    {
        int i = 0;
        while (i < line.Length && IsBlank(line[i]))
        {
            i++;
        }

        return line[i..];
    }

    // The line continues only if it ends in an odd number of backslashes: "\\" at the end is an escaped backslash.
    private static bool EndsWithContinuation(ReadOnlySpan<char> line)
    {
        int count = 0;
        for (int i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            count++;
        }

        return (count & 1) == 1;
    }

    private static PropertyEntry SplitKeyValue(string line, string sourceName, int lineNumber)
    {
        int i = 0;
        bool separatorSeen = false;
        while (i < line.Length)
        {
            char c = line[i];
            if (c == '\\')
            {
                i += 2; // whatever is escaped belongs to the key
                continue;
            }

            if (c is '=' or ':')
            {
                separatorSeen = true;
                break;
            }

            if (IsBlank(c))
            {
                break;
            }

            i++;
        }

        int keyEnd = Math.Min(i, line.Length);
        int valueStart = separatorSeen ? keyEnd + 1 : keyEnd;
        while (valueStart < line.Length && IsBlank(line[valueStart]))
        {
            valueStart++;
        }

        if (!separatorSeen && valueStart < line.Length && line[valueStart] is '=' or ':')
        {
            valueStart++;
            while (valueStart < line.Length && IsBlank(line[valueStart]))
            {
                valueStart++;
            }
        }

        string key = Unescape(line.AsSpan(0, keyEnd), sourceName, lineNumber);
        string value = valueStart < line.Length ? Unescape(line.AsSpan(valueStart), sourceName, lineNumber) : string.Empty;
        return new PropertyEntry(key, value, lineNumber);
    }

    private static string Unescape(ReadOnlySpan<char> raw, string sourceName, int lineNumber)
    {
        if (raw.IndexOf('\\') < 0)
        {
            return raw.ToString();
        }

        var sb = new StringBuilder(raw.Length);
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (++i >= raw.Length)
            {
                break; // a lone trailing backslash escapes nothing
            }

            c = raw[i];
            switch (c)
            {
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    if (i + 4 >= raw.Length
                        || !ushort.TryParse(raw.Slice(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code))
                    {
                        throw new ConfigException($"Malformed \\uXXXX escape in {sourceName} line {lineNumber}");
                    }

                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }
}
