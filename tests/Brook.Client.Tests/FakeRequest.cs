using Brook.Protocol;

namespace Brook.Client.Tests;

/// <summary>One request frame as the fake server read it: the header prefix parsed, the rest kept for decoding.</summary>
public sealed class FakeRequest(ApiKey apiKey, short version, int correlationId, byte[] frame)
{
    public ApiKey ApiKey { get; } = apiKey;
    public short Version { get; } = version;
    public int CorrelationId { get; } = correlationId;

    /// <summary>The frame without its size prefix.</summary>
    public byte[] Frame { get; } = frame;

    /// <summary>Decodes header and body as <typeparamref name="TRequest"/> at the request's version.</summary>
    public TRequest Decode<TRequest>() where TRequest : IRequestMessage, new()
    {
        var api = TRequest.Api;
        var reader = new ProtocolReader(Frame);
        var header = RequestHeader.ReadPrefix(ref reader);
        header.ReadRest(ref reader, api.RequestHeaderVersion(Version));
        reader.Flexible = api.IsFlexible(Version);
        var request = new TRequest();
        request.Read(ref reader, Version);
        return request;
    }

    public string? ClientId
    {
        get
        {
            var reader = new ProtocolReader(Frame);
            var header = RequestHeader.ReadPrefix(ref reader);
            header.ReadRest(ref reader, 1);
            return header.ClientId;
        }
    }
}
