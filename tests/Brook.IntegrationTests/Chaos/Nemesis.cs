using System.Diagnostics;
using System.Globalization;
using Brook.IntegrationTests.Infrastructure;

namespace Brook.IntegrationTests.Chaos;

/// <summary>
/// Applies a <see cref="ChaosSchedule"/> to a <see cref="ClusterProcess"/> in real time: inflicts each step at its
/// time, heals it when its duration is up, and keeps a timestamped journal of what it did (the schedule says what was
/// planned; the journal says when it actually happened, which drifts on a loaded machine).
/// </summary>
public sealed partial class Nemesis
{
    private readonly ClusterProcess _cluster;
    private readonly Stopwatch _clock;
    private readonly List<string> _journal = [];
    private readonly string _topic;

    /// <param name="clock">The run's clock (shared with the workload so journal and history line up).</param>
    /// <param name="topic">The workload's topic, which operations act on.</param>
    public Nemesis(ClusterProcess cluster, Stopwatch clock, string topic = "")
    {
        _cluster = cluster;
        _clock = clock;
        _topic = topic;
    }

    /// <summary>What was done, one line each, with the run-clock time.</summary>
    public IReadOnlyList<string> Journal
    {
        get
        {
            lock (_journal) return [.. _journal];
        }
    }

    /// <summary>Runs every step of <paramref name="schedule"/>; returns once the last one is healed.</summary>
    public async Task RunAsync(ChaosSchedule schedule, CancellationToken cancellation)
    {
        foreach (var step in schedule.Steps)
        {
            await DelayUntilAsync(step.At, cancellation).ConfigureAwait(false);
            await InflictAsync(step).ConfigureAwait(false);
            try
            {
                await DelayUntilAsync(step.HealAt, cancellation).ConfigureAwait(false);
            }
            finally
            {
                await HealAsync(step).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Brings everything back whatever state a failed run left: network whole, every node resumed and running. Then
    /// waits until every node serves clients again.
    /// </summary>
    public async Task HealEverythingAsync(TimeSpan timeout)
    {
        _cluster.Namespace?.HealAll();
        foreach (var node in _cluster.Nodes)
        {
            if (node.IsPaused) node.Resume();
            if (!node.IsRunning) await node.RestartAsync().ConfigureAwait(false);
        }
        if (_cluster.Nodes.Any(n => !n.IsVoter)) await WaitForMovesAsync(timeout).ConfigureAwait(false);
        await _cluster.WaitUntilServingAsync(ClusterListener.Client, timeout).ConfigureAwait(false);
        Note("healed everything; every node serves clients");
    }

    private async Task InflictAsync(FaultStep step)
    {
        // Operations on the whole topic name no node (0).
        var node = step.Node > 0 ? _cluster.Node(step.Node) : null!;
        switch (step.Kind)
        {
            case FaultKind.KillRestart:
                node.Kill();
                break;
            case FaultKind.StopRestart:
                var exitCode = await node.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                if (exitCode != 0) throw new InvalidOperationException($"node {node.NodeId} exited with code {exitCode} after SIGTERM");
                break;
            case FaultKind.Pause:
                node.Pause();
                break;
            case FaultKind.Isolate:
                _cluster.Partition(node);
                break;
            case FaultKind.CutLink:
                _cluster.Cut(node, _cluster.Node(step.Other));
                break;
            case FaultKind.CutFromClients:
                _cluster.CutFromClients(node);
                break;
            case FaultKind.Reassign:
                Note(await ReassignAsync(step.Partition, step.Replicas).ConfigureAwait(false));
                return;
            case FaultKind.ElectPreferred:
                Note(await ElectPreferredAsync().ConfigureAwait(false));
                return;
            case FaultKind.Decommission:
                Note(await DecommissionAsync(node).ConfigureAwait(false));
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step.Kind, "unknown fault");
        }
        Note($"inflicted {step.Kind} on {Target(step)}");
    }

    private async Task HealAsync(FaultStep step)
    {
        // Operations on the whole topic name no node (0).
        var node = step.Node > 0 ? _cluster.Node(step.Node) : null!;
        switch (step.Kind)
        {
            case FaultKind.Reassign or FaultKind.ElectPreferred:
                return; // nothing to undo: the move runs on, leadership stays where the election put it
            case FaultKind.Decommission:
                // Broker add: the retired node starts again and registers anew; later moves may place replicas on it.
                await node.RestartAsync().ConfigureAwait(false);
                Note($"added node {node.NodeId} back (registered again)");
                return;
            case FaultKind.KillRestart or FaultKind.StopRestart:
                // RestartAsync returns once the node serves clients again (the cluster is started with ReadyOn Client,
                // so it has caught up with the metadata log); its partitions may still be rejoining their ISRs.
                await node.RestartAsync().ConfigureAwait(false);
                break;
            case FaultKind.Pause:
                node.Resume();
                break;
            default:
                _cluster.HealAll();
                break;
        }
        Note($"healed {step.Kind} on {Target(step)}");
    }

    private static string Target(FaultStep step) => step.Kind switch
    {
        FaultKind.CutLink => $"nodes {step.Node}<->{step.Other}",
        FaultKind.Reassign => $"partition {step.Partition}",
        FaultKind.ElectPreferred => "every partition",
        _ => $"node {step.Node}",
    };

    private async Task DelayUntilAsync(TimeSpan at, CancellationToken cancellation)
    {
        var wait = at - _clock.Elapsed;
        if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellation).ConfigureAwait(false);
    }

    private void Note(string what)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"t={_clock.Elapsed.TotalSeconds,6:0.0}s {what}");
        lock (_journal) _journal.Add(line);
    }
}
