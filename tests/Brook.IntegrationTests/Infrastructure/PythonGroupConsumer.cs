using System.Diagnostics;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// A kafka-python group member running in its own /usr/bin/python3 process, so a test can SIGKILL it: the broker then
/// sees a member vanish without LeaveGroup and must notice it only through the missing heartbeats.
/// </summary>
/// <remarks>
/// The script prints one line per rebalance callback ("assigned 0,2,4" / "revoked 0,2,4") and polls forever; heartbeats
/// come from kafka-python's background thread, which dies with the process.
/// </remarks>
public sealed class PythonGroupConsumer : IDisposable
{
    private const string Script = """
        import sys
        from kafka import KafkaConsumer, ConsumerRebalanceListener

        bootstrap, topic, group, session_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

        def partitions(tps):
            return ",".join(str(p) for p in sorted(tp.partition for tp in tps))

        class Listener(ConsumerRebalanceListener):
            def on_partitions_revoked(self, revoked):
                print("revoked " + partitions(revoked), flush=True)

            def on_partitions_assigned(self, assigned):
                print("assigned " + partitions(assigned), flush=True)

        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=group,
            client_id="python-member",
            session_timeout_ms=session_ms,
            heartbeat_interval_ms=max(100, session_ms // 6),
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        consumer.subscribe([topic], listener=Listener())
        print("started", flush=True)
        while True:
            consumer.poll(timeout_ms=200)
        """;

    private readonly object _lock = new();
    private readonly List<string> _lines = [];
    private readonly Process _process;

    private PythonGroupConsumer(Process process) => _process = process;

    /// <summary>Everything the script printed so far (stdout and stderr, prefixed).</summary>
    public string Output
    {
        get { lock (_lock) return string.Join('\n', _lines); }
    }

    /// <summary>The partitions of the most recent "assigned" line, or null before the first assignment.</summary>
    public int[]? LatestAssignment
    {
        get
        {
            lock (_lock)
            {
                var line = _lines.LastOrDefault(l => l.StartsWith("out: assigned", StringComparison.Ordinal));
                if (line is null) return null;
                var list = line["out: assigned".Length..].Trim();
                return list.Length == 0 ? [] : list.Split(',').Select(int.Parse).ToArray();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the script with the system interpreter (caller checks <see cref="ExternalTools.KafkaPythonAvailable"/>).</summary>
    public static PythonGroupConsumer Start(string bootstrap, string topic, string groupId, int sessionTimeoutMs)
    {
        var psi = new ProcessStartInfo(ExternalTools.SystemPython)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-c", Script, bootstrap, topic, groupId, sessionTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(arg);
        }
        // Only the Debian interpreter's own dist-packages; keep a pyenv/venv environment from leaking in.
        psi.Environment.Remove("PYTHONPATH");
        psi.Environment.Remove("PYTHONHOME");
        psi.Environment.Remove("VIRTUAL_ENV");
        psi.Environment["PYTHONUNBUFFERED"] = "1";

        var process = new Process { StartInfo = psi };
        var consumer = new PythonGroupConsumer(process);
        process.OutputDataReceived += (_, e) => consumer.Append("out", e.Data);
        process.ErrorDataReceived += (_, e) => consumer.Append("err", e.Data);
        if (!process.Start()) throw new InvalidOperationException("could not start python3");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return consumer;
    }

    /// <summary>SIGKILL: no LeaveGroup, no further heartbeats. Waits for the exit.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        _process.Dispose();
    }

    private void Append(string stream, string? line)
    {
        if (line is null) return;
        lock (_lock) _lines.Add($"{stream}: {line}");
    }
}
