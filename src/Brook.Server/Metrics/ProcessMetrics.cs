using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Brook.Server.Metrics;

/// <summary>
/// The process gauges every Prometheus client library exports (process_cpu_seconds_total, process_resident_memory_bytes,
/// process_open_fds, ...), on the "Brook.Process" meter. The .NET runtime's own meter (System.Runtime: GC, heap, thread
/// pool, locks) is exported beside them.
/// </summary>
public sealed class ProcessMetrics : IDisposable
{
    /// <summary>The meter of the process gauges.</summary>
    public const string MeterName = "Brook.Process";

    private readonly Meter _meter = new(MeterName);

    public ProcessMetrics()
    {
        var startSeconds = new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
        _meter.CreateObservableCounter("process.cpu.seconds", () => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, null,
            "User and system CPU time of the process, in seconds.");
        _meter.CreateObservableGauge("process.resident.memory.bytes", () => Environment.WorkingSet, null, "Resident memory of the process, in bytes.");
        _meter.CreateObservableGauge("process.virtual.memory.bytes", () => Process.GetCurrentProcess().VirtualMemorySize64, null,
            "Virtual memory of the process, in bytes.");
        _meter.CreateObservableGauge("process.start.time.seconds", () => startSeconds, null, "Start time of the process since the Unix epoch, in seconds.");
        _meter.CreateObservableGauge("process.open.fds", OpenFileDescriptors, null, "Open file descriptors (segments, indexes, sockets).");
        _meter.CreateObservableGauge("process.max.fds", MaxFileDescriptors, null, "The limit on open file descriptors.");
        _meter.CreateObservableGauge("process.threads", () => Process.GetCurrentProcess().Threads.Count, null, "Operating system threads of the process.");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> OpenFileDescriptors()
    {
        if (!Directory.Exists("/proc/self/fd")) yield break;
        long count;
        try { count = Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount(); }
        catch (IOException) { yield break; }
        yield return new Measurement<long>(count);
    }

    private static IEnumerable<Measurement<long>> MaxFileDescriptors()
    {
        string[] lines;
        try { lines = File.ReadAllLines("/proc/self/limits"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (var line in lines)
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && long.TryParse(fields[0], out var soft)) yield return new Measurement<long>(soft);
        }
    }
}
