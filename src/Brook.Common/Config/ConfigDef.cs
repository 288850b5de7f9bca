using System.Globalization;

namespace Brook.Common.Config;

/// <summary>The definition of one configuration key: name, type, default, validation, importance and documentation.</summary>
/// <remarks>
/// Values are held in parsed form: <see cref="bool"/>, <see cref="short"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="string"/> (String, Password, Class) or <c>IReadOnlyList&lt;string&gt;</c> (List).
/// A null value means "not set" and is only ever a default.
/// </remarks>
public sealed class ConfigDef
{
    /// <param name="name">The Kafka key, e.g. "log.segment.bytes".</param>
    /// <param name="type">The value type.</param>
    /// <param name="defaultValue">The default in its configuration-file spelling (parsed and validated here), or null for "not set".</param>
    /// <param name="validator">Extra rule beyond the type, or null.</param>
    /// <param name="importance">How much an operator should care.</param>
    /// <param name="documentation">One line of documentation, shown by --help and DescribeConfigs.</param>
    /// <param name="topicSynonym">For broker keys that supply a per-topic default: the topic-level key (e.g. "retention.ms").</param>
    public ConfigDef(
        string name,
        ConfigType type,
        string? defaultValue,
        ConfigValidator? validator,
        ConfigImportance importance,
        string documentation,
        string? topicSynonym = null)
    {
        Name = name;
        Type = type;
        Validator = validator;
        Importance = importance;
        Documentation = documentation;
        TopicSynonym = topicSynonym;
        if (defaultValue is not null)
        {
            // A broken default is a programming error in the catalogue, so fail loudly at type initialisation.
            DefaultValue = Parse(defaultValue, "built-in default");
        }
    }

    public string Name { get; }

    public ConfigType Type { get; }

    /// <summary>The parsed default, or null when the key has no default ("not set").</summary>
    public object? DefaultValue { get; }

    public ConfigValidator? Validator { get; }

    public ConfigImportance Importance { get; }

    public string Documentation { get; }

    /// <summary>The topic-level key this broker key provides the default for, or null.</summary>
    public string? TopicSynonym { get; }

    /// <summary>True for Password keys: their values are masked in logs and DescribeConfigs.</summary>
    public bool IsSensitive => Type == ConfigType.Password;

    /// <summary>Parses and validates <paramref name="raw"/>; throws <see cref="ConfigException"/> naming the key, value and source.</summary>
    public object Parse(string raw, string source)
    {
        string? error = TryParse(raw, out object? value);
        if (error is not null)
        {
            throw new ConfigException(Name, IsSensitive ? "[hidden]" : raw, source, error);
        }

        return value!;
    }

    /// <summary>Parses and validates <paramref name="raw"/>; returns null on success or the reason it is invalid.</summary>
    public string? TryParse(string raw, out object? value)
    {
        value = null;
        string trimmed = raw.Trim();
        object parsed;
        switch (Type)
        {
            case ConfigType.Boolean:
                if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    parsed = true;
                }
                else if (trimmed.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    parsed = false;
                }
                else
                {
                    return "Expected value to be either true or false";
                }

                break;
            case ConfigType.Short:
                if (!short.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out short s))
                {
                    return Fail("Not a number of type SHORT");
                }

                parsed = s;
                break;
            case ConfigType.Int:
                if (!int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i))
                {
                    return Fail("Not a number of type INT");
                }

                parsed = i;
                break;
            case ConfigType.Long:
                if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
                {
                    return Fail("Not a number of type LONG");
                }

                parsed = l;
                break;
            case ConfigType.Double:
                if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
                {
                    return Fail("Not a number of type DOUBLE");
                }

                parsed = d;
                break;
            case ConfigType.List:
                parsed = SplitList(trimmed);
                break;
            case ConfigType.Class:
                if (trimmed.Length == 0)
                {
                    return "Class name must not be empty";
                }

                parsed = trimmed;
                break;
            default:
                parsed = trimmed;
                break;
        }

        string? invalid = Validator?.Check(parsed);
        if (invalid is not null)
        {
            return Fail(invalid);
        }

        value = parsed;
        return null;
    }

    private string Fail(string reason) => Validator is null ? reason : $"{reason} (allowed: {Validator.Allowed})";

    /// <summary>Renders a parsed value in configuration-file spelling (lists comma-joined, null as null, passwords not masked).</summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IReadOnlyList<string> list => string.Join(",", list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>Describes the default for --help and logs (null shown as "null", an empty string as "").</summary>
    public string DefaultText => Format(DefaultValue) switch { null => "null", "" => "\"\"", var text => text };

    public override string ToString() => Name;

    // Kafka splits lists on commas and trims each item; an empty string is an empty list.
    private static IReadOnlyList<string> SplitList(string trimmed)
    {
        if (trimmed.Length == 0)
        {
            return [];
        }

        string[] parts = trimmed.Split(',');
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = parts[i].Trim();
        }

        return parts;
    }
}
