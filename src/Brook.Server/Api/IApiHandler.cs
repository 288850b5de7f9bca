using Brook.Common;
using Brook.Protocol;

namespace Brook.Server.Api;

/// <summary>
/// One Kafka API served by the broker. The served range may be narrower than what the codec knows (or wider in the
/// advertised sense: Produce is advertised from v0 but v0-2 are refused, see <see cref="AdvertisedMinVersion"/>).
/// </summary>
public interface IApiHandler
{
    ApiDescriptor Api { get; }
    /// <summary>Lowest version this broker parses and answers.</summary>
    short MinVersion { get; }
    short MaxVersion { get; }
    /// <summary>Lowest version put in ApiVersions responses (may be below <see cref="MinVersion"/>, KAFKA-18659).</summary>
    short AdvertisedMinVersion { get; }

    /// <summary>The kinds of listener this API is served on (client listeners only, unless the handler says otherwise).</summary>
    ListenerScope Listeners { get; }

    /// <summary>Parses the body from the reader (already positioned after the header, flexibility set).</summary>
    IRequestMessage Parse(ref ProtocolReader reader, short version);

    /// <summary>
    /// Handles a parsed request. Work that must happen in request order (appends) runs synchronously before the first
    /// await; the result may complete later. A null response means "send nothing" (Produce with acks=0).
    /// </summary>
    ValueTask<IMessage?> HandleAsync(RequestContext context, IRequestMessage request);

    /// <summary>
    /// The response that reports <paramref name="error"/> for everything <paramref name="request"/> asked (Kafka's
    /// getErrorResponse): what a client gets when the handler failed unexpectedly or the request was refused before it
    /// ran. Null when this API has no such shape here; the connection is then closed instead.
    /// </summary>
    IMessage? ErrorResponse(IRequestMessage request, ErrorCode error);
}

/// <summary>Typed base: parses <typeparamref name="TRequest"/> and hands it to <see cref="HandleAsync(RequestContext, TRequest)"/>.</summary>
public abstract class ApiHandler<TRequest> : IApiHandler where TRequest : IRequestMessage, new()
{
    public ApiDescriptor Api => TRequest.Api;
    public virtual short MinVersion => TRequest.Api.MinVersion;
    public virtual short MaxVersion => TRequest.Api.MaxVersion;
    public virtual short AdvertisedMinVersion => MinVersion;
    public virtual ListenerScope Listeners => ListenerScope.Broker;

    public IRequestMessage Parse(ref ProtocolReader reader, short version)
    {
        var request = new TRequest();
        request.Read(ref reader, version);
        return request;
    }

    public ValueTask<IMessage?> HandleAsync(RequestContext context, IRequestMessage request) =>
        HandleAsync(context, (TRequest)request);

    public IMessage? ErrorResponse(IRequestMessage request, ErrorCode error) => ErrorResponse((TRequest)request, error);

    /// <summary>Override with the API's all-error response; the default has none (the connection is closed).</summary>
    protected virtual IMessage? ErrorResponse(TRequest request, ErrorCode error) => null;

    protected abstract ValueTask<IMessage?> HandleAsync(RequestContext context, TRequest request);

    protected static ValueTask<IMessage?> Done(IMessage response) => ValueTask.FromResult<IMessage?>(response);
}
