namespace Brook.Common.Config;

/// <summary>Kafka's listener security protocols (numbers are Kafka's protocol ids).</summary>
public enum SecurityProtocol : short
{
    Plaintext = 0,
    Ssl = 1,
    SaslPlaintext = 2,
    SaslSsl = 3,
}

/// <summary>Conversions between <see cref="SecurityProtocol"/> and the names used in configuration (PLAINTEXT, SASL_SSL...).</summary>
public static class SecurityProtocolNames
{
    public static string ToConfigName(this SecurityProtocol protocol) => protocol switch
    {
        SecurityProtocol.Plaintext => "PLAINTEXT",
        SecurityProtocol.Ssl => "SSL",
        SecurityProtocol.SaslPlaintext => "SASL_PLAINTEXT",
        SecurityProtocol.SaslSsl => "SASL_SSL",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    /// <summary>Parses a protocol name case-insensitively (Kafka upper-cases it before lookup).</summary>
    public static bool TryParse(string name, out SecurityProtocol protocol)
    {
        switch (name.Trim().ToUpperInvariant())
        {
            case "PLAINTEXT": protocol = SecurityProtocol.Plaintext; return true;
            case "SSL": protocol = SecurityProtocol.Ssl; return true;
            case "SASL_PLAINTEXT": protocol = SecurityProtocol.SaslPlaintext; return true;
            case "SASL_SSL": protocol = SecurityProtocol.SaslSsl; return true;
            default: protocol = default; return false;
        }
    }
}
