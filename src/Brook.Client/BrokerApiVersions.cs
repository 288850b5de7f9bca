using Brook.Protocol;
using Brook.Protocol.Messages;

namespace Brook.Client;

/// <summary>The version range of each API one peer advertised in its ApiVersions response, and the pick of a version both sides speak.</summary>
public sealed class BrokerApiVersions
{
    private readonly Dictionary<ApiKey, (short Min, short Max)> _ranges = [];

    public BrokerApiVersions(IEnumerable<ApiVersionsResponse.ApiVersionRange> ranges)
    {
        // A key listed twice would be a broker bug; the last entry wins rather than failing the whole connection.
        foreach (var range in ranges) _ranges[(ApiKey)range.ApiKey] = (range.MinVersion, range.MaxVersion);
    }

    /// <summary>The APIs the peer serves.</summary>
    public IReadOnlyCollection<ApiKey> Keys => _ranges.Keys;

    /// <summary>The peer's range for <paramref name="key"/>; false if it does not serve the API.</summary>
    public bool TryGetRange(ApiKey key, out short min, out short max)
    {
        if (_ranges.TryGetValue(key, out var range))
        {
            (min, max) = range;
            return true;
        }
        min = max = -1;
        return false;
    }

    /// <summary>The highest version in both <c>ourMin..ourMax</c> and the peer's range; false if there is none.</summary>
    public bool TryPickVersion(ApiKey key, short ourMin, short ourMax, out short version)
    {
        version = -1;
        if (!_ranges.TryGetValue(key, out var theirs)) return false;
        var high = Math.Min(ourMax, theirs.Max);
        if (high < Math.Max(ourMin, theirs.Min)) return false;
        version = high;
        return true;
    }

    /// <summary>
    /// The highest version in both <c>ourMin..ourMax</c> and the peer's range; throws <see cref="UnsupportedVersionException"/>
    /// naming both ranges if there is none.
    /// </summary>
    public short PickVersion(ApiKey key, short ourMin, short ourMax)
    {
        if (TryPickVersion(key, ourMin, ourMax, out var version)) return version;
        var message = _ranges.TryGetValue(key, out var theirs)
            ? $"{key}: we speak v{ourMin}-{ourMax}, the peer v{theirs.Min}-{theirs.Max}; no common version"
            : $"{key}: the peer does not serve this API (we speak v{ourMin}-{ourMax})";
        throw new UnsupportedVersionException(message, key);
    }

    /// <summary><see cref="PickVersion(ApiKey, short, short)"/> over the whole range our codec for the API handles.</summary>
    public short PickVersion(ApiDescriptor api) => PickVersion(api.Key, api.MinVersion, api.MaxVersion);
}
