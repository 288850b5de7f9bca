using System.Globalization;

namespace Brook.Common.Config;

/// <summary>A rule a parsed config value must satisfy (range, one-of, non-empty or custom).</summary>
public abstract class ConfigValidator
{
    /// <summary>Returns null when <paramref name="value"/> is acceptable, otherwise the reason it is not.</summary>
    /// <remarks>Null values are never passed: they only occur as built-in defaults ("not set").</remarks>
    public abstract string? Check(object value);

    /// <summary>Human-readable description of what is allowed, e.g. "[14,...]" or "[delete, compact]".</summary>
    public abstract string Allowed { get; }

    public override string ToString() => Allowed;

    /// <summary>A number that must be at least <paramref name="min"/>.</summary>
    public static ConfigValidator AtLeast(long min) => new RangeValidator(min, null);

    /// <summary>A number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static ConfigValidator Between(long min, long max) => new RangeValidator(min, max);

    /// <summary>A floating-point number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static ConfigValidator Between(double min, double max) => new DoubleRangeValidator(min, max);

    /// <summary>A string that must be exactly one of <paramref name="values"/> (case-sensitive, like Kafka's ValidString).</summary>
    public static ConfigValidator OneOf(params string[] values) => new OneOfValidator(values);

    /// <summary>A string that must be one of <paramref name="values"/> in any letter case (Kafka's CaseInsensitiveValidString).</summary>
    public static ConfigValidator OneOfIgnoringCase(params string[] values) => new OneOfIgnoringCaseValidator(values);

    /// <summary>A list whose every item is one of <paramref name="values"/>, with at least one item and no duplicates.</summary>
    public static ConfigValidator ListOf(params string[] values) => new ListOfValidator(values);

    /// <summary>A string that is not empty or whitespace.</summary>
    public static ConfigValidator NonEmptyString() => new NonEmptyStringValidator();

    /// <summary>A list with at least one item, no empty items and no duplicates.</summary>
    public static ConfigValidator NonEmptyList() => new NonEmptyListValidator();

    /// <summary>Any rule: <paramref name="check"/> returns null when valid or the reason when not.</summary>
    public static ConfigValidator Custom(string allowed, Func<object, string?> check) => new CustomValidator(allowed, check);

    private static bool TryAsLong(object value, out long number)
    {
        switch (value)
        {
            case short s: number = s; return true;
            case int i: number = i; return true;
            case long l: number = l; return true;
            default: number = 0; return false;
        }
    }

    private sealed class RangeValidator(long min, long? max) : ConfigValidator
    {
        public override string Allowed => max is null
            ? string.Create(CultureInfo.InvariantCulture, $"[{min},...]")
            : string.Create(CultureInfo.InvariantCulture, $"[{min},...,{max}]");

        public override string? Check(object value)
        {
            if (value is double d)
            {
                return d < min ? string.Create(CultureInfo.InvariantCulture, $"Value must be at least {min}")
                    : max is not null && d > max ? string.Create(CultureInfo.InvariantCulture, $"Value must be no more than {max}")
                    : null;
            }

            if (!TryAsLong(value, out long n))
            {
                return "Value must be a number";
            }

            if (n < min)
            {
                return string.Create(CultureInfo.InvariantCulture, $"Value must be at least {min}");
            }

            return max is not null && n > max ? string.Create(CultureInfo.InvariantCulture, $"Value must be no more than {max}") : null;
        }
    }

    private sealed class DoubleRangeValidator(double min, double max) : ConfigValidator
    {
        public override string Allowed => string.Create(CultureInfo.InvariantCulture, $"[{min},...,{max}]");

        public override string? Check(object value)
        {
            double d = value switch
            {
                double x => x,
                int i => i,
                long l => l,
                short s => s,
                _ => double.NaN,
            };
            if (double.IsNaN(d))
            {
                return "Value must be a number";
            }

            if (d < min)
            {
                return string.Create(CultureInfo.InvariantCulture, $"Value must be at least {min}");
            }

            return d > max ? string.Create(CultureInfo.InvariantCulture, $"Value must be no more than {max}") : null;
        }
    }

    private sealed class OneOfValidator(string[] values) : ConfigValidator
    {
        public override string Allowed => "[" + string.Join(", ", values) + "]";

        public override string? Check(object value) =>
            value is string s && Array.IndexOf(values, s) >= 0 ? null : "Not one of the allowed values";
    }

    private sealed class OneOfIgnoringCaseValidator(string[] values) : ConfigValidator
    {
        public override string Allowed => "[" + string.Join(", ", values) + "] (any case)";

        public override string? Check(object value) =>
            value is string s && values.Any(v => string.Equals(v, s, StringComparison.OrdinalIgnoreCase)) ? null : "Not one of the allowed values";
    }

    private sealed class ListOfValidator(string[] values) : ConfigValidator
    {
        public override string Allowed => "[" + string.Join(", ", values) + "]";

        public override string? Check(object value)
        {
            if (value is not IReadOnlyList<string> items)
            {
                return "Value must be a list";
            }

            if (items.Count == 0)
            {
                return "Empty list is not allowed";
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string item in items)
            {
                if (Array.IndexOf(values, item) < 0)
                {
                    return $"Item '{item}' is not one of the allowed values";
                }

                if (!seen.Add(item))
                {
                    return $"Duplicate value '{item}'";
                }
            }

            return null;
        }
    }

    private sealed class NonEmptyStringValidator : ConfigValidator
    {
        public override string Allowed => "non-empty string";

        public override string? Check(object value) =>
            value is string s && !string.IsNullOrWhiteSpace(s) ? null : "String must be non-empty";
    }

    private sealed class NonEmptyListValidator : ConfigValidator
    {
        public override string Allowed => "non-empty list without duplicates";

        public override string? Check(object value)
        {
            if (value is not IReadOnlyList<string> items || items.Count == 0)
            {
                return "List must contain at least one item";
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string item in items)
            {
                if (item.Length == 0)
                {
                    return "List items must not be empty";
                }

                if (!seen.Add(item))
                {
                    return $"Duplicate value '{item}'";
                }
            }

            return null;
        }
    }

    private sealed class CustomValidator(string allowed, Func<object, string?> check) : ConfigValidator
    {
        public override string Allowed => allowed;

        public override string? Check(object value) => check(value);
    }
}
