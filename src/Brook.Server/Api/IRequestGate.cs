using Brook.Common;

namespace Brook.Server.Api;

/// <summary>
/// The check every request passes after it is parsed and before its handler runs — where authentication state,
/// authorization and quotas plug in. A non-null error refuses the request with the handler's error response.
/// </summary>
public interface IRequestGate
{
    ErrorCode? Check(RequestContext context, IApiHandler handler);
}

/// <summary>The gate of a broker without security: every request proceeds.</summary>
public sealed class OpenRequestGate : IRequestGate
{
    public ErrorCode? Check(RequestContext context, IApiHandler handler) => null;
}
