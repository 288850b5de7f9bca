using System.Globalization;

namespace Brook.Common.Config;

/// <summary>One entry of controller.quorum.voters: "id@host:port", the controller listener of a voting controller.</summary>
public sealed record QuorumVoter(int Id, string Host, int Port)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id}@{Host}:{Port}");

    /// <summary>Parses "id@host:port" (IPv6 hosts bracketed); null on success or the reason it is malformed.</summary>
    public static string? TryParse(string text, out QuorumVoter? voter)
    {
        voter = null;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || !int.TryParse(text.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return $"'{text}' is not of the form id@host:port (the id must be a non-negative integer)";
        if (HostPort.TryParse(text[(at + 1)..], out var host, out var port) is { } problem)
            return $"'{text}' is not of the form id@host:port: {problem}";
        voter = new QuorumVoter(id, host, port);
        return null;
    }
}

/// <summary>Parsing of "host:port" as the quorum settings spell endpoints.</summary>
public static class HostPort
{
    /// <summary>Null on success or the reason; IPv6 literals come bracketed ("[::1]:9093") and are returned without brackets.</summary>
    public static string? TryParse(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':') return "malformed IPv6 host (expected [address]:port)";
            host = text[1..close];
            portText = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0) return "expected host:port";
            host = text[..colon];
            portText = text[(colon + 1)..];
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            return $"port '{portText}' is not between 1 and 65535";
        return null;
    }
}
