namespace Brook.Protocol.Messages;

// ApiVersions (key 18), versions 0-4, flexible from 3 (KIP-482). v3 adds the client software name and version (KIP-511);
// v4 only lifts the ban on SupportedFeatures.MinVersion = 0 (KAFKA-17011). The response header is always v0.

public sealed class ApiVersionsRequest : IRequestMessage
{
    public static ApiDescriptor Api { get; } = new(ApiKey.ApiVersions, 0, 4, 3);

    public string ClientSoftwareName { get; set; } = "";
    public string ClientSoftwareVersion { get; set; } = "";

    public void Read(ref ProtocolReader reader, short version)
    {
        if (version >= 3)
        {
            ClientSoftwareName = reader.ReadString();
            ClientSoftwareVersion = reader.ReadString();
        }
        reader.SkipTaggedFields();
    }

    public void Write(ProtocolWriter writer, short version)
    {
        if (version >= 3)
        {
            writer.WriteString(ClientSoftwareName);
            writer.WriteString(ClientSoftwareVersion);
        }
        writer.WriteEmptyTaggedFields();
    }
}

public sealed class ApiVersionsResponse : IMessage
{
    public short ErrorCode { get; set; }
    public List<ApiVersionRange> ApiKeys { get; set; } = [];
    public int ThrottleTimeMs { get; set; }
    public List<SupportedFeature> SupportedFeatures { get; set; } = [];
    public long FinalizedFeaturesEpoch { get; set; } = -1;
    public List<FinalizedFeature> FinalizedFeatures { get; set; } = [];

    public sealed record ApiVersionRange(short ApiKey, short MinVersion, short MaxVersion);
    public sealed record SupportedFeature(string Name, short MinVersion, short MaxVersion);
    public sealed record FinalizedFeature(string Name, short MaxVersionLevel, short MinVersionLevel);

    public void Read(ref ProtocolReader reader, short version)
    {
        ErrorCode = reader.ReadInt16();
        ApiKeys = reader.ReadArray(static (ref ProtocolReader r) =>
        {
            var e = new ApiVersionRange(r.ReadInt16(), r.ReadInt16(), r.ReadInt16());
            r.SkipTaggedFields();
            return e;
        });
        if (version >= 1) ThrottleTimeMs = reader.ReadInt32();
        var features = new List<SupportedFeature>();
        var finalized = new List<FinalizedFeature>();
        long epoch = -1;
        reader.ReadTaggedFields((uint tag, ref ProtocolReader f) =>
        {
            switch (tag)
            {
                case 0:
                    features.AddRange(f.ReadArray(static (ref ProtocolReader r) =>
                    {
                        var e = new SupportedFeature(r.ReadString(), r.ReadInt16(), r.ReadInt16());
                        r.SkipTaggedFields();
                        return e;
                    }));
                    break;
                case 1:
                    epoch = f.ReadInt64();
                    break;
                case 2:
                    finalized.AddRange(f.ReadArray(static (ref ProtocolReader r) =>
                    {
                        var e = new FinalizedFeature(r.ReadString(), r.ReadInt16(), r.ReadInt16());
                        r.SkipTaggedFields();
                        return e;
                    }));
                    break;
            }
        });
        SupportedFeatures = features;
        FinalizedFeatures = finalized;
        FinalizedFeaturesEpoch = epoch;
    }

    public void Write(ProtocolWriter writer, short version)
    {
        writer.WriteInt16(ErrorCode);
        writer.WriteArray(ApiKeys, static (w, e) =>
        {
            w.WriteInt16(e.ApiKey);
            w.WriteInt16(e.MinVersion);
            w.WriteInt16(e.MaxVersion);
            w.WriteEmptyTaggedFields();
        });
        if (version >= 1) writer.WriteInt32(ThrottleTimeMs);
        if (!writer.Flexible) return;
        var tagCount = (SupportedFeatures.Count > 0 ? 1 : 0) + (FinalizedFeaturesEpoch != -1 ? 1 : 0) + (FinalizedFeatures.Count > 0 ? 1 : 0);
        writer.WriteUnsignedVarInt((uint)tagCount);
        if (SupportedFeatures.Count > 0)
            writer.WriteTaggedField(0, w => w.WriteArray(SupportedFeatures, static (w2, f) =>
            {
                w2.WriteString(f.Name);
                w2.WriteInt16(f.MinVersion);
                w2.WriteInt16(f.MaxVersion);
                w2.WriteEmptyTaggedFields();
            }));
        if (FinalizedFeaturesEpoch != -1) writer.WriteTaggedField(1, w => w.WriteInt64(FinalizedFeaturesEpoch));
        if (FinalizedFeatures.Count > 0)
            writer.WriteTaggedField(2, w => w.WriteArray(FinalizedFeatures, static (w2, f) =>
            {
                w2.WriteString(f.Name);
                w2.WriteInt16(f.MaxVersionLevel);
                w2.WriteInt16(f.MinVersionLevel);
                w2.WriteEmptyTaggedFields();
            }));
    }
}
