namespace Brook.Protocol;

/// <summary>
/// Protocol facts of one API: the versions our codec can read and write, and the first flexible version (KIP-482),
/// which decides compact encodings and the header versions. <c>FirstFlexible</c> of <see cref="short.MaxValue"/> means never flexible.
/// </summary>
public sealed record ApiDescriptor(ApiKey Key, short MinVersion, short MaxVersion, short FirstFlexible)
{
    public bool IsFlexible(short version) => version >= FirstFlexible;

    /// <summary>Request header v2 for flexible versions, v1 otherwise (v0 is only for ControlledShutdown v0, gone in 4.x).</summary>
    public short RequestHeaderVersion(short version) => IsFlexible(version) ? (short)2 : (short)1;

    /// <summary>Response header v1 for flexible versions; ApiVersions always uses v0 so clients can parse it before they know our versions.</summary>
    public short ResponseHeaderVersion(short version) =>
        Key == ApiKey.ApiVersions ? (short)0 : IsFlexible(version) ? (short)1 : (short)0;

    public bool Supports(short version) => version >= MinVersion && version <= MaxVersion;

    public const short NeverFlexible = short.MaxValue;
}
