using System.Buffers.Binary;
using Brook.Common;
using Brook.Protocol;

namespace Brook.Client;

/// <summary>Request frames out, response bodies in, with the header versions the API's descriptor prescribes.</summary>
internal static class RequestCodec
{
    /// <summary>Where the correlation id sits in a frame: after the size prefix, the API key and the version.</summary>
    public const int CorrelationIdOffset = 4 + 2 + 2;

    /// <summary>
    /// Encodes size prefix, request header and body into a pooled buffer. The correlation id is left 0: the writer loop
    /// assigns it at the moment the frame goes on the wire, because ids must rise in wire order for the in-order match.
    /// </summary>
    public static PooledBufferWriter Encode(IMessage request, ApiDescriptor api, short version, string clientId)
    {
        var buffer = new PooledBufferWriter(256);
        try
        {
            buffer.Advance(4); // size prefix, patched below
            var writer = new ProtocolWriter(buffer);
            new RequestHeader { ApiKey = api.Key, ApiVersion = version, CorrelationId = 0, ClientId = clientId }
                .Write(writer, api.RequestHeaderVersion(version));
            // The header's client id is a classic string even in header v2; only the body uses compact encodings.
            writer.Flexible = api.IsFlexible(version);
            request.Write(writer, version);
            BinaryPrimitives.WriteInt32BigEndian(buffer.WrittenSpanMutable, buffer.WrittenCount - 4);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Decodes a response frame (without its size prefix; the correlation id was already matched) at <paramref name="version"/>.
    /// Strict: bytes left after the body mean the peer answered in another version's shape, which is a bug on one side.
    /// The message keeps slices of <paramref name="frame"/> for its byte fields (record sets): a pooled frame may go back to
    /// the pool only once the message is no longer read (<see cref="LeasedResponse{TResponse}"/>).
    /// </summary>
    public static TResponse Decode<TResponse>(ReadOnlyMemory<byte> frame, ApiDescriptor api, short version)
        where TResponse : IMessage, new()
    {
        var reader = new ProtocolReader(frame, api.IsFlexible(version));
        ResponseHeader.Read(ref reader, api.ResponseHeaderVersion(version));
        var response = new TResponse();
        response.Read(ref reader, version);
        if (reader.Remaining != 0)
            throw new ProtocolException($"{api.Key} v{version} response: {reader.Remaining} bytes left after the body");
        return response;
    }
}
