using System.Globalization;

namespace Brook.Common.Config;

/// <summary>
/// The values Kafka 3.9 accepted for message.format.version and log.message.format.version: a metadata (inter-broker
/// protocol) version such as 0.10.0, 0.10.0-IV1, 2.8, 3.0-IV1, or a longer release number (0.10.0.1, 2.8.2).
/// </summary>
/// <remarks>
/// Kafka 4.0 removed both keys (KIP-724: every batch is written in format v2). Brook still validates them as 3.9 did so
/// tools that set them keep working and typos are still caught. The rule, restated from 3.9's MetadataVersion: split on
/// '.', keep the first three parts for 0.x versions and the first two otherwise, and look that up among the versions
/// (with their -IVn suffix) and the plain release numbers of production versions. 4.0-IV0 and 4.0-IV1 existed but were not
/// production in 3.9, so "4.0" alone is not accepted while "4.0-IV1" is.
/// </remarks>
public static class MessageFormatVersion
{
    // Each release with its number of internal versions (-IV0, -IV1, ...), in order; 0 means the release number itself
    // is the version. Production releases are also accepted without a suffix (meaning their latest internal version).
    private static readonly (string Release, int InternalVersions, bool Production)[] Releases =
    [
        ("0.8.0", 0, true), ("0.8.1", 0, true), ("0.8.2", 0, true), ("0.9.0", 0, true),
        ("0.10.0", 2, true), ("0.10.1", 3, true), ("0.10.2", 1, true), ("0.11.0", 3, true),
        ("1.0", 1, true), ("1.1", 1, true), ("2.0", 2, true), ("2.1", 3, true), ("2.2", 2, true), ("2.3", 2, true),
        ("2.4", 2, true), ("2.5", 1, true), ("2.6", 1, true), ("2.7", 3, true), ("2.8", 2, true), ("3.0", 2, true),
        ("3.1", 1, true), ("3.2", 1, true), ("3.3", 4, true), ("3.4", 1, true), ("3.5", 3, true), ("3.6", 3, true),
        ("3.7", 5, true), ("3.8", 1, true), ("3.9", 1, true), ("4.0", 2, false),
    ];

    /// <summary>Every exact spelling accepted, e.g. 0.9.0, 0.10.0-IV1, 2.8, 3.0-IV1.</summary>
    public static IReadOnlyCollection<string> Known { get; } = BuildKnown();

    /// <summary>The validator of message.format.version and log.message.format.version.</summary>
    public static ConfigValidator Validator { get; } = ConfigValidator.Custom(
        "a Kafka metadata version such as 0.10.0, 0.10.0-IV1, 2.8 or 3.0-IV1",
        value => value is string s && IsValid(s) ? null : $"Version {value} is not a valid version");

    /// <summary>Kafka 3.9's default for both keys.</summary>
    public const string Default = "3.0-IV1";

    /// <summary>True when Kafka 3.9 would have accepted <paramref name="version"/>.</summary>
    public static bool IsValid(string version)
    {
        // Java's String.split drops trailing empty parts; do the same so "3.0." is judged like Kafka judges it.
        string[] parts = version.Split('.');
        int length = parts.Length;
        while (length > 1 && parts[length - 1].Length == 0)
        {
            length--;
        }

        int significant = version.StartsWith("0.", StringComparison.Ordinal) ? 3 : 2;
        string key = length <= significant ? version : string.Join('.', parts, 0, significant);
        return Known.Contains(key);
    }

    private static HashSet<string> BuildKnown()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string release, int internalVersions, bool production) in Releases)
        {
            if (internalVersions == 0 || production)
            {
                known.Add(release);
            }

            for (int iv = 0; iv < internalVersions; iv++)
            {
                known.Add(string.Create(CultureInfo.InvariantCulture, $"{release}-IV{iv}"));
            }
        }

        return known;
    }
}
