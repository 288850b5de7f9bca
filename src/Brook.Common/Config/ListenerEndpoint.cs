using System.Globalization;

namespace Brook.Common.Config;

/// <summary>One listener from listeners / advertised.listeners: "NAME://host:port" plus its security protocol.</summary>
/// <param name="Name">Listener name, upper-cased as Kafka normalises it (e.g. "PLAINTEXT", "CONTROLLER").</param>
/// <param name="Host">Host or IP without brackets; empty means "all interfaces" (bind only, never advertised).</param>
/// <param name="Port">TCP port; 0 asks the OS for an ephemeral port (the server must advertise the bound one).</param>
/// <param name="SecurityProtocol">Resolved through listener.security.protocol.map.</param>
public sealed record ListenerEndpoint(string Name, string Host, int Port, SecurityProtocol SecurityProtocol)
{
    /// <summary>True when the host means "every interface" (empty, 0.0.0.0 or ::), which clients cannot connect to.</summary>
    public bool IsWildcardHost => Host.Length == 0 || Host == "0.0.0.0" || Host == "::" || Host == "[::]";

    /// <summary>The host in connectable form: IPv6 literals are bracketed.</summary>
    public string HostForUri => Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host;

    /// <summary>The configuration spelling "NAME://host:port".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}://{HostForUri}:{Port}");

    /// <summary>
    /// Parses "NAME://host:port" (host may be empty, a name, an IPv4 address or a bracketed IPv6 address).
    /// Returns null on success or the reason the text is malformed; the security protocol is left as Plaintext
    /// for the caller to resolve.
    /// </summary>
    public static string? TryParse(string text, out string name, out string host, out int port)
    {
        name = string.Empty;
        host = string.Empty;
        port = 0;
        int schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return $"'{text}' is not of the form NAME://host:port";
        }

        name = text[..schemeEnd].Trim().ToUpperInvariant();
        if (name.Any(c => char.IsWhiteSpace(c) || c == ':' || c == '/'))
        {
            return $"'{text}' has an invalid listener name";
        }

        string rest = text[(schemeEnd + 3)..];
        string portText;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
            {
                return $"'{text}' has a malformed IPv6 host (expected [address]:port)";
            }

            host = rest[1..close];
            portText = rest[(close + 2)..];
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            if (colon < 0)
            {
                return $"'{text}' has no port (expected NAME://host:port)";
            }

            host = rest[..colon];
            portText = rest[(colon + 1)..];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return $"'{text}' has an invalid port '{portText}' (expected 0-65535)";
        }

        if (host.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            return $"'{text}' has an invalid host '{host}'";
        }

        return null;
    }
}
