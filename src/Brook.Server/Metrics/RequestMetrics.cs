using System.Diagnostics;
using System.Diagnostics.Metrics;
using Brook.Common;
using Brook.Protocol;

namespace Brook.Server.Metrics;

/// <summary>
/// Kafka's RequestMetrics for every API: requests by version, errors by code, and the time a request spends in each
/// phase — queue (from its last byte read to its handler starting), local (the handler's own work), remote (waiting
/// after the handler returned: acks=all replication, a fetch's long poll, a forwarded controller call), response send
/// (writing and flushing the answer) and total. Names and tags are resolved once per API, so recording a request costs
/// a few interlocked adds and histogram records and allocates nothing.
/// </summary>
public sealed class RequestMetrics
{
    /// <summary>Histogram buckets in milliseconds, from 0.1 ms to 30 s.</summary>
    public static readonly IReadOnlyList<double> LatencyBucketsMs = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

    private const int MaxApiKey = 127;
    private const int MaxVersion = 31;
    private const int ErrorCodeSlots = 132; // -1..130

    private readonly ApiCells?[] _apis = new ApiCells?[MaxApiKey + 1];
    private readonly Histogram<double> _queue, _local, _remote, _send, _total;

    public RequestMetrics(Meter meter)
    {
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsMs };
        _queue = meter.CreateHistogram("kafka.network.requestmetrics.requestqueuetimems", "ms",
            "Time from a request's last byte read to its handler starting (Kafka's RequestQueueTimeMs).", advice: advice);
        _local = meter.CreateHistogram("kafka.network.requestmetrics.localtimems", "ms",
            "Time the handler worked on a request before returning (Kafka's LocalTimeMs).", advice: advice);
        _remote = meter.CreateHistogram("kafka.network.requestmetrics.remotetimems", "ms",
            "Time a request waited after its handler returned: acks=all replication, fetch long polls, forwarded controller calls (Kafka's RemoteTimeMs).", advice: advice);
        _send = meter.CreateHistogram("kafka.network.requestmetrics.responsesendtimems", "ms",
            "Time writing and flushing a response (Kafka's ResponseSendTimeMs).", advice: advice);
        _total = meter.CreateHistogram("kafka.network.requestmetrics.totaltimems", "ms",
            "Time from a request's last byte read to its response written (Kafka's TotalTimeMs).", advice: advice);
        meter.CreateObservableCounter("kafka.network.requestmetrics.requests", ObserveRequests, null,
            "Requests received, by API and version (Kafka's RequestsPerSec).");
        meter.CreateObservableCounter("kafka.network.requestmetrics.errors", ObserveErrors, null,
            "Error codes returned, by API and code; NONE counts answers without error (Kafka's ErrorsPerSec).");
    }

    /// <summary>One request of <paramref name="key"/> v<paramref name="version"/> was answered.</summary>
    /// <param name="key">The API.</param>
    /// <param name="version">Its version.</param>
    /// <param name="received">Stopwatch timestamp of its last byte read.</param>
    /// <param name="started">When its handler started.</param>
    /// <param name="returned">When the handler returned.</param>
    /// <param name="completed">When its response was ready to write.</param>
    /// <param name="sent">When the response was written.</param>
    public void Record(ApiKey key, short version, long received, long started, long returned, long completed, long sent)
    {
        var cells = Cells(key);
        if (cells is null) return;
        Interlocked.Increment(ref cells.ByVersion[Math.Clamp((int)version, 0, MaxVersion)]);
        var tag = cells.Tag;
        _queue.Record(Ms(received, started), tag);
        _local.Record(Ms(started, returned), tag);
        _remote.Record(Ms(returned, completed), tag);
        _send.Record(Ms(completed, sent), tag);
        _total.Record(Ms(received, sent), tag);
    }

    /// <summary>Counts one error code (or NONE) in a response of <paramref name="key"/>.</summary>
    public void CountError(ApiKey key, ErrorCode code, int count = 1)
    {
        if (Cells(key) is not { } cells) return;
        var slot = Math.Clamp((int)code + 1, 0, ErrorCodeSlots - 1);
        Interlocked.Add(ref cells.ByError[slot], count);
    }

    private ApiCells? Cells(ApiKey key)
    {
        var index = (int)key;
        if ((uint)index > MaxApiKey) return null;
        return _apis[index] ?? Interlocked.CompareExchange(ref _apis[index], new ApiCells(key.ToString()), null) ?? _apis[index];
    }

    private static double Ms(long from, long to) => to <= from ? 0 : (to - from) * 1000.0 / Stopwatch.Frequency;

    private IEnumerable<Measurement<long>> ObserveRequests()
    {
        foreach (var cells in _apis)
        {
            if (cells is null) continue;
            for (var v = 0; v <= MaxVersion; v++)
            {
                var n = Interlocked.Read(ref cells.ByVersion[v]);
                if (n > 0) yield return new Measurement<long>(n, cells.Tag, new KeyValuePair<string, object?>("version", VersionNames[v]));
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveErrors()
    {
        foreach (var cells in _apis)
        {
            if (cells is null) continue;
            for (var slot = 0; slot < ErrorCodeSlots; slot++)
            {
                var n = Interlocked.Read(ref cells.ByError[slot]);
                if (n > 0) yield return new Measurement<long>(n, cells.Tag, new KeyValuePair<string, object?>("error", ErrorNames.Of((ErrorCode)(slot - 1))));
            }
        }
    }

    private static readonly string[] VersionNames = [.. Enumerable.Range(0, MaxVersion + 1).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private sealed class ApiCells(string name)
    {
        public readonly KeyValuePair<string, object?> Tag = new("request", name);
        public readonly long[] ByVersion = new long[MaxVersion + 1];
        public readonly long[] ByError = new long[ErrorCodeSlots];
    }
}

/// <summary>Kafka's names of error codes ("NOT_LEADER_OR_FOLLOWER"), as its ErrorsPerSec metric tags them.</summary>
public static class ErrorNames
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<ErrorCode, string> Names = new();

    /// <summary>The upper-case, underscore-separated name of <paramref name="code"/> (its number when unknown).</summary>
    public static string Of(ErrorCode code) => Names.GetOrAdd(code, static c =>
    {
        var name = c.ToString();
        if (name.Length > 0 && char.IsAsciiDigit(name[0]) || name.StartsWith('-')) return name;
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) sb.Append('_');
            sb.Append(char.ToUpperInvariant(name[i]));
        }
        return sb.ToString();
    });
}
