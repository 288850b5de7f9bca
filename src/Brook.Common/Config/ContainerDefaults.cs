namespace Brook.Common.Config;

/// <summary>
/// The defaults of Brook's container image (<see cref="BrokerConfigDefs.ContainerMode"/>) for keys no layer set: the
/// node listens on every interface, advertises localhost:9092 (what `docker run -p 9092:9092` reaches), keeps its data
/// in the image's volume and serves metrics and health to the container engine.
/// </summary>
public static class ContainerDefaults
{
    public const string LogDirs = "/var/lib/brook/data";
    public const string AdminListener = "0.0.0.0:9644";
    public const string Listeners = "PLAINTEXT://0.0.0.0:9092";
    public const string AdvertisedListeners = "PLAINTEXT://localhost:9092";
    private const string Source = "container default";

    /// <summary>Adds the container defaults to <paramref name="winners"/> (key → value and source) where a key is unset.</summary>
    public static void Apply(Dictionary<string, (string Value, string Source)> winners)
    {
        if (!BrokerConfigDefs.AliasGroupOf("log.dirs").Any(winners.ContainsKey)) winners["log.dirs"] = (LogDirs, Source);
        winners.TryAdd(BrokerConfigDefs.AdminListener, (AdminListener, Source));

        bool hasListeners = winners.ContainsKey("listeners");
        if (winners.TryGetValue("advertised.listeners", out var advertised))
        {
            // Confluent's images do the same: advertised listeners alone mean "listen on their ports everywhere".
            if (!hasListeners) winners["listeners"] = (OnEveryInterface(advertised.Value) ?? Listeners, Source + " (from advertised.listeners)");
        }
        else if (!hasListeners)
        {
            winners["listeners"] = (Listeners, Source);
            winners["advertised.listeners"] = (AdvertisedListeners, Source);
        }
    }

    /// <summary>NAME://host:port,... with every host replaced by 0.0.0.0, or null when an entry is not of that form.</summary>
    public static string? OnEveryInterface(string listeners)
    {
        var result = new List<string>();
        foreach (string entry in listeners.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int scheme = entry.IndexOf("://", StringComparison.Ordinal);
            int port = entry.LastIndexOf(':');
            if (scheme <= 0 || port <= scheme + 2) return null;
            result.Add($"{entry[..scheme]}://0.0.0.0{entry[port..]}");
        }

        return result.Count == 0 ? null : string.Join(',', result);
    }
}
