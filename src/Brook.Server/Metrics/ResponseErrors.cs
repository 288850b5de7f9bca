using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Messages;

namespace Brook.Server.Metrics;

/// <summary>
/// Counts the error codes in a response for Kafka's ErrorsPerSec: every partition's code for Produce and Fetch (the
/// APIs whose errors operators alert on, without reflection) and every error field of other answers through
/// <see cref="ResponseErrorWalker"/>; handler failures are counted by their code.
/// </summary>
public static class ResponseErrors
{
    public static void Count(RequestMetrics metrics, ApiKey key, IMessage? response)
    {
        switch (response)
        {
            case ProduceResponse produce:
                foreach (var topic in produce.Responses)
                    foreach (var p in topic.PartitionResponses) metrics.CountError(key, (ErrorCode)p.ErrorCode);
                break;
            case FetchResponse fetch when fetch.ErrorCode != 0:
                metrics.CountError(key, (ErrorCode)fetch.ErrorCode);
                break;
            case FetchResponse fetch:
                foreach (var topic in fetch.Responses)
                    foreach (var p in topic.Partitions) metrics.CountError(key, (ErrorCode)p.ErrorCode);
                break;
            case null:
                metrics.CountError(key, ErrorCode.None);
                break;
            default:
                var counted = false;
                ResponseErrorWalker.Walk(response, code =>
                {
                    metrics.CountError(key, (ErrorCode)code);
                    counted = true;
                });
                // An answer without any error field (SaslHandshake-like) still counts once as NONE, as Kafka's does.
                if (!counted) metrics.CountError(key, ErrorCode.None);
                break;
        }
    }
}
