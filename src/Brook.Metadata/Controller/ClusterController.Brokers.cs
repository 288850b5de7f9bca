using Brook.Common;
using Brook.Metadata.Records;
using Microsoft.Extensions.Logging;

namespace Brook.Metadata;

// The broker lifecycle on the active controller (KIP-631, KIP-966 in part): registration, heartbeats, the session
// check and controlled shutdown. The decisions are the pure planners' (BrokerHeartbeatPlanner, LeaderElectionPlanner);
// this part keeps the in-memory sessions and writes what they decide.
public sealed partial class ClusterController
{
    /// <summary>
    /// Registers a broker that is known to have shut down cleanly before (or retries a registration): see the overload
    /// with a previous broker epoch; this one never treats the broker as having crashed.
    /// </summary>
    public Task<long> RegisterBrokerAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, CancellationToken cancellationToken) =>
        RegisterAsync(brokerId, endpoints, rack, previousBrokerEpoch: null, cancellationToken);

    /// <summary>
    /// Registers a broker (BrokerRegistration) and returns its broker epoch, the offset of its registration record.
    /// <list type="bullet">
    /// <item>A new broker, or a fenced one with new listeners, is registered fenced, as Kafka's controller registers
    /// brokers: a later heartbeat unfences it once it has replayed the metadata up to its registration.</item>
    /// <item>An unfenced broker that restarted cleanly — <paramref name="previousBrokerEpoch"/>, the epoch it had when it
    /// last shut down cleanly, is its current one — keeps its state: nothing is written for the same listeners and
    /// rack, and new ones (a port-0 listener) are registered unfenced under a new epoch. It is alive and its logs are
    /// whole; fencing it would only bump the epoch of every partition it leads. A standalone node restarts this way.</item>
    /// <item>An unfenced broker that crashed and came back before its session expired (previous epoch -1 or another one:
    /// KIP-966's unclean-shutdown detection), or one in controlled shutdown, is registered fenced and, in the same
    /// write, the partitions it led elect new leaders and it leaves their ISRs: its log may have lost an unflushed
    /// tail, so it must not go on leading in the same leader epoch.</item>
    /// <item>A broker back from an unclean shutdown leaves the eligible leader replicas of every partition (KIP-966),
    /// fenced or not: its log may lack records it had acknowledged, so it is no longer known to hold every committed one.</item>
    /// </list>
    /// On the very first write of a new cluster the cluster id is written as well.
    /// </summary>
    public Task<long> RegisterBrokerAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, long previousBrokerEpoch,
        CancellationToken cancellationToken) =>
        RegisterAsync(brokerId, endpoints, rack, previousBrokerEpoch, cancellationToken);

    // previousBrokerEpoch null: a re-registration known to be clean (or a retry).
    private async Task<long> RegisterAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, long? previousBrokerEpoch,
        CancellationToken cancellationToken)
    {
        ActivateSessions();
        List<PartitionChange>? fencedChanges = null;
        long fencedEpoch = -1;
        var uncleanShutdown = new List<int>(1); // filled by the decision, read when its records are tracked
        var epoch = await WriteAsync<long>(image =>
        {
            image.Brokers.TryGetValue(brokerId, out var existing);
            var unchanged = existing is not null && existing.Endpoints.SequenceEqual(endpoints) && existing.Rack == rack;
            var cleanRestart = previousBrokerEpoch is null || previousBrokerEpoch == existing?.Epoch;
            uncleanShutdown.Clear();
            if (!cleanRestart && existing is not null) uncleanShutdown.Add(brokerId);
            // A broker back from an unclean shutdown is no longer an eligible leader anywhere (KIP-966).
            var leaveElr = cleanRestart ? [] : EligibleLeaderReplicaRecords(image, brokerId);
            if (existing is { IsFenced: true } && unchanged) return (leaveElr, existing.Epoch);
            if (existing is { IsActive: true } && cleanRestart)
                return unchanged ? ([], existing.Epoch) : ([new RegisterBrokerRecord(brokerId, [.. endpoints], rack, Fenced: false)], -1);
            var records = new List<MetadataRecord> { new RegisterBrokerRecord(brokerId, [.. endpoints], rack, Fenced: true) };
            if (existing is { IsFenced: false })
            {
                fencedChanges = LeaderElectionPlanner.PlanBrokerLeaving(image, brokerId, _options.Elections);
                fencedEpoch = existing.Epoch;
                records.AddRange(fencedChanges.Select(c => c.After));
            }
            records.AddRange(leaveElr.Where(e => !records.OfType<PartitionRecord>().Any(r => r.TopicId == e.TopicId && r.PartitionIndex == e.PartitionIndex)));
            return (records, -1);
        }, cancellationToken, uncleanShutdown: uncleanShutdown).ConfigureAwait(false);
        if (uncleanShutdown.Count > 0 && _options.EligibleLeaderReplicasEnable)
            _logger.LogInformation("Broker {BrokerId} registered after an unclean shutdown (previous epoch {Previous}): it leaves every eligible leader replica set",
                brokerId, previousBrokerEpoch);
        if (epoch >= 0) return epoch;
        if (fencedChanges is not null)
        {
            _logger.LogWarning("Broker {BrokerId} registered again while unfenced at epoch {Epoch} without a clean shutdown (previous epoch {Previous}): " +
                "fenced until it catches up{Changes}", brokerId, fencedEpoch, previousBrokerEpoch, Describe(fencedChanges));
            LogUnclean(fencedChanges);
        }
        var registered = _view.Image.Brokers[brokerId];
        _sessions.Register(brokerId, registered.Epoch);
        _logger.LogInformation("Registered broker {BrokerId} at epoch {Epoch} ({State}), rack {Rack}, endpoints {Endpoints}",
            brokerId, registered.Epoch, registered.IsFenced ? "fenced until it catches up" : "unfenced: a clean restart",
            rack ?? "none", string.Join(",", endpoints.Select(e => $"{e.ListenerName}://{e.Host}:{e.Port}")));
        return registered.Epoch;
    }

    /// <summary>
    /// A record for each partition with <paramref name="brokerId"/> among its eligible leader replicas, to be written
    /// with it as an unclean-shutdown replica, so <see cref="EligibleLeaderReplicas.Track"/> takes it out.
    /// </summary>
    private List<PartitionRecord> EligibleLeaderReplicaRecords(MetadataImage image, int brokerId)
    {
        if (!_options.EligibleLeaderReplicasEnable) return [];
        return [.. image.TopicsById.Values.SelectMany(t => t.Partitions.Where(p => p.Elr.Contains(brokerId))
            .Select(p => p.ToRecord(t.Id) with { PartitionEpoch = p.PartitionEpoch + 1 }))];
    }

    /// <summary>
    /// BrokerHeartbeat (KIP-631): renews the broker's session and moves it through its states (see
    /// <see cref="BrokerHeartbeatPlanner"/>): unfenced once caught up with its registration, controlled shutdown on
    /// WantShutDown (its leaderships move to other ISR members in the same write), let go once it leads nothing and the
    /// brokers that took over have seen it. STALE_BROKER_EPOCH / BROKER_ID_NOT_REGISTERED tell it to register again.
    /// </summary>
    public async Task<BrokerHeartbeatResult> BrokerHeartbeatAsync(BrokerHeartbeatSpec heartbeat, CancellationToken cancellationToken)
    {
        ActivateSessions();
        var id = heartbeat.BrokerId;
        // The session is renewed before the write lock is taken: a heartbeat that waits behind a slow write still counts.
        if (Check(_view.Image, heartbeat) is { } early) return early;
        _sessions.Touch(id, heartbeat.BrokerEpoch, heartbeat.CurrentMetadataOffset);
        BrokerHeartbeatDecision? decision = null;
        var result = await WriteAsync<BrokerHeartbeatResult>(image =>
        {
            if (Check(image, heartbeat) is { } refused) return ([], refused);
            var broker = image.Brokers[id];
            var csOffset = _sessions.ControlledShutdownOffset(id);
            // A controller that became active after the broker entered controlled shutdown did not see that write: what
            // the other brokers must reach is then at most the current image.
            if (broker.InControlledShutdown && csOffset < 0)
            {
                _sessions.SetControlledShutdownOffset(id, broker.Epoch, image.Offset);
                csOffset = image.Offset;
            }
            decision = BrokerHeartbeatPlanner.Decide(image, broker, heartbeat, csOffset, _sessions.LowestActiveOffset(image, id),
                _options.Elections);
            return (decision.Records, decision.Result);
        }, cancellationToken, lastOffset =>
        {
            if (decision is { EntersControlledShutdown: true }) _sessions.SetControlledShutdownOffset(id, heartbeat.BrokerEpoch, lastOffset);
        }).ConfigureAwait(false);
        if (decision is { } d && d.Current != d.Next) LogTransition(id, d);
        else if (decision is { Current: BrokerStatus.ControlledShutdown, Changes.Count: > 0 } retried) LogTransition(id, retried);
        if (result.Error == ErrorCode.None && heartbeat.OfflineLogDirs is { Count: > 0 } offline)
            await HandleOfflineDirectoriesAsync(id, heartbeat.BrokerEpoch, offline, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// UnregisterBroker (KIP-631), for a broker decommissioned for good: one write removes its registration and, as for
    /// fencing, moves the leaderships it held and takes it out of the ISRs (as their last member it stays, so such a
    /// partition waits for an unclean election or the broker's return). A broker that is still running gets
    /// BROKER_ID_NOT_REGISTERED on its next heartbeat and registers again, as in Kafka.
    /// </summary>
    public async Task<ErrorCode> UnregisterBrokerAsync(int brokerId, CancellationToken cancellationToken)
    {
        ActivateSessions();
        List<PartitionChange>? changes = null;
        var error = await WriteAsync<ErrorCode>(image =>
        {
            if (!image.Brokers.TryGetValue(brokerId, out var broker)) return ([], ErrorCode.BrokerIdNotRegistered);
            changes = LeaderElectionPlanner.PlanBrokerLeaving(image, brokerId, _options.Elections);
            return ([new UnregisterBrokerRecord(brokerId, broker.Epoch), .. changes.Select(c => c.After)], ErrorCode.None);
        }, cancellationToken).ConfigureAwait(false);
        if (error == ErrorCode.None)
        {
            _sessions.Remove(brokerId);
            _logger.LogInformation("Unregistered broker {BrokerId}{Changes}", brokerId, Describe(changes!));
            LogUnclean(changes!);
        }
        return error;
    }

    /// <summary>
    /// One round of the session check: fences every broker the active controller has not heard from for
    /// broker.session.timeout.ms — one write per broker that fences it, elects new leaders for the partitions it led and
    /// takes it out of the ISRs. Returns the fenced brokers; a node that is not the active controller does nothing.
    /// </summary>
    public async Task<IReadOnlyList<int>> FenceExpiredBrokersAsync(CancellationToken cancellationToken)
    {
        if (!IsActive) return [];
        ActivateSessions();
        var fenced = new List<int>();
        foreach (var id in _sessions.Expired(_view.Image))
        {
            BrokerHeartbeatDecision? decision = null;
            await WriteAsync<bool>(image =>
            {
                // Decided again under the write lock: a heartbeat may have arrived, or the broker re-registered.
                if (!image.Brokers.TryGetValue(id, out var broker) || broker.IsFenced || _sessions.HasValidSession(id, broker.Epoch)) return ([], false);
                decision = BrokerHeartbeatPlanner.Fence(image, broker, caughtUp: false, shouldShutDown: false, _options.Elections);
                return (decision.Records, true);
            }, cancellationToken).ConfigureAwait(false);
            if (decision is null) continue;
            fenced.Add(id);
            _logger.LogWarning("Fenced broker {BrokerId}: no heartbeat for {Timeout} ms (broker.session.timeout.ms){Changes}",
                id, (long)_sessions.SessionTimeout.TotalMilliseconds, Describe(decision.Changes));
            LogUnclean(decision.Changes);
        }
        return fenced;
    }

    private static BrokerHeartbeatResult? Check(MetadataImage image, BrokerHeartbeatSpec heartbeat)
    {
        if (!image.Brokers.TryGetValue(heartbeat.BrokerId, out var broker))
            return new BrokerHeartbeatResult(ErrorCode.BrokerIdNotRegistered, false, true, false);
        if (broker.Epoch != heartbeat.BrokerEpoch) return new BrokerHeartbeatResult(ErrorCode.StaleBrokerEpoch, false, true, false);
        return null;
    }

    /// <summary>Throws NOT_CONTROLLER unless active; the first call in a new quorum epoch gives every broker a fresh session.</summary>
    private void ActivateSessions()
    {
        var leader = _quorum.Leader;
        if (leader.LeaderId != _quorum.NodeId)
            throw new KafkaException(ErrorCode.NotController, $"node {_quorum.NodeId} is not the active controller (the leader is {leader.LeaderId})");
        _sessions.Activate(leader.Epoch, _view.Image, _quorum.SilenceOfFormerLeader);
    }

    private void LogTransition(int brokerId, BrokerHeartbeatDecision d)
    {
        var what = (d.Current, d.Next) switch
        {
            (BrokerStatus.Fenced, BrokerStatus.Unfenced) => "is unfenced (caught up with its registration)",
            (_, BrokerStatus.ControlledShutdown) when d.Current == BrokerStatus.ControlledShutdown => "is in controlled shutdown; moved more leaderships away",
            (_, BrokerStatus.ControlledShutdown) => "entered controlled shutdown",
            (_, BrokerStatus.Fenced) when d.Result.ShouldShutDown => "may shut down now and is fenced (controlled shutdown complete)",
            (_, BrokerStatus.Fenced) => "is fenced at its own request",
            _ => $"moved from {d.Current} to {d.Next}",
        };
        _logger.LogInformation("Broker {BrokerId} {Transition}{Changes}", brokerId, what, Describe(d.Changes));
        LogUnclean(d.Changes);
    }

    private void LogUnclean(IReadOnlyList<PartitionChange> changes)
    {
        foreach (var c in changes.Where(c => c.Unclean))
        {
            // KIP-966's last known leader is elected without unclean.leader.election.enable: it is the best guess left.
            var why = c.Before.LastKnownElr is [var last] && last == c.After.Leader
                ? "it was the last known leader, elected with no ISR member or eligible replica left"
                : "unclean.leader.election.enable";
            _logger.LogWarning("Unclean leader election for {Topic}-{Partition}: broker {Leader} was not in the ISR [{Isr}] nor an eligible leader replica [{Elr}] " +
                "({Why}); records it does not have are lost", c.Topic.Name, c.Before.Index, c.After.Leader, string.Join(",", c.Before.Isr),
                string.Join(",", c.Before.Elr), why);
        }
    }

    private static string Describe(IReadOnlyList<PartitionChange> changes) =>
        changes.Count == 0 ? "" : $"; {changes.Count} partition(s) changed: {string.Join("; ", changes.Take(20))}{(changes.Count > 20 ? "; ..." : "")}";
}
