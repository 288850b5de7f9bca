using System.Diagnostics;
using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol.Messages;
using BrookError = Brook.Common.ErrorCode;

namespace Brook.IntegrationTests.Chaos;

// The operator's side of a chaos run: reassignments, preferred elections, and retiring a broker and adding it back,
// all through the Kafka admin APIs a tool would use, sent to a running voter (brokers forward them to the controller).
public sealed partial class Nemesis
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    private async Task<string> ReassignAsync(int partition, IReadOnlyList<int> replicas)
    {
        var error = await AlterAsync([(_topic, partition, replicas)]).ConfigureAwait(false);
        return $"reassigned {_topic}-{partition} to [{string.Join(",", replicas)}]: {error}";
    }

    private async Task<string> ElectPreferredAsync()
    {
        using var client = await AdminConnectionAsync().ConfigureAwait(false);
        var partitions = (await TopicsAsync(client).ConfigureAwait(false)).Single(t => t.Name == _topic).Partitions.Select(p => p.PartitionIndex).ToList();
        var response = await client.SendAsync<ElectLeadersRequest, ElectLeadersResponse>(new ElectLeadersRequest
        {
            ElectionType = ElectLeadersRequest.PreferredElection,
            TopicPartitions = [new() { Topic = _topic, Partitions = partitions }],
        }, 2, RequestTimeout).ConfigureAwait(false);
        var outcomes = response.ReplicaElectionResults.SelectMany(r => r.PartitionResult)
            .GroupBy(p => (BrookError)p.ErrorCode).Select(g => $"{g.Count()} {g.Key}");
        return $"preferred election on {_topic}: {string.Join(", ", outcomes)}";
    }

    /// <summary>
    /// Retires <paramref name="node"/>: every replica it holds (of every topic, internal ones too) moves to a broker
    /// the partition does not use, the node stops once it holds none, and UnregisterBroker removes it.
    /// </summary>
    private async Task<string> DecommissionAsync(ClusterNode node)
    {
        var id = node.NodeId;
        var others = _cluster.Nodes.Where(n => n.NodeId != id).Select(n => n.NodeId).ToList();
        var clock = Stopwatch.StartNew();
        var moved = 0;
        while (true)
        {
            using var client = await AdminConnectionAsync().ConfigureAwait(false);
            var targets = await TargetsAsync(client).ConfigureAwait(false);
            var holding = targets.Where(t => t.Value.Contains(id)).ToList();
            if (holding.Count == 0 && await HoldsNothingAsync(client, id).ConfigureAwait(false)) break;
            if (clock.Elapsed > DrainTimeout)
                throw new TimeoutException($"node {id} still holds replicas {DrainTimeout.TotalSeconds:0} s into its decommissioning: " +
                    string.Join(", ", holding.Select(h => $"{h.Key.Topic}-{h.Key.Partition} [{string.Join(",", h.Value)}]")));
            if (holding.Count > 0)
            {
                var moves = holding.Select(h =>
                {
                    var spare = others.First(o => !h.Value.Contains(o));
                    return (h.Key.Topic, h.Key.Partition, (IReadOnlyList<int>)[.. h.Value.Select(r => r == id ? spare : r)]);
                }).ToList();
                var error = await AlterAsync(moves).ConfigureAwait(false);
                if (error != BrookError.None) Note($"decommissioning node {id}: reassignment answered {error}; retrying");
                moved += moves.Count;
            }
            await Task.Delay(500).ConfigureAwait(false);
        }
        var exitCode = await node.StopAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        if (exitCode != 0) throw new InvalidOperationException($"node {id} exited with code {exitCode} after SIGTERM");
        using (var client = await AdminConnectionAsync().ConfigureAwait(false))
        {
            var response = await client.SendAsync<UnregisterBrokerRequest, UnregisterBrokerResponse>(new UnregisterBrokerRequest { BrokerId = id }, 0, RequestTimeout)
                .ConfigureAwait(false);
            if ((BrookError)response.ErrorCode != BrookError.None)
                throw new InvalidOperationException($"UnregisterBroker {id}: {(BrookError)response.ErrorCode} {response.ErrorMessage}");
        }
        return $"decommissioned node {id}: {moved} replica moves, drained in {clock.Elapsed.TotalSeconds:0.0}s, stopped and unregistered";
    }

    /// <summary>Waits until no reassignment runs (after healing: every move the schedule started has completed).</summary>
    private async Task WaitForMovesAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using (var client = await AdminConnectionAsync().ConfigureAwait(false))
            {
                var ongoing = await OngoingAsync(client).ConfigureAwait(false);
                if (ongoing.Count == 0) break;
                if (clock.Elapsed > timeout)
                    throw new TimeoutException($"{ongoing.Count} reassignments still running {timeout.TotalSeconds:0} s after healing");
            }
            await Task.Delay(500).ConfigureAwait(false);
        }
        Note("no reassignment running");
    }

    private async Task<BrookError> AlterAsync(IReadOnlyList<(string Topic, int Partition, IReadOnlyList<int> Replicas)> moves)
    {
        using var client = await AdminConnectionAsync().ConfigureAwait(false);
        var response = await client.SendAsync<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>(new AlterPartitionReassignmentsRequest
        {
            Topics = [.. moves.GroupBy(m => m.Topic).Select(t => new AlterPartitionReassignmentsRequest.ReassignableTopic
            {
                Name = t.Key,
                Partitions = [.. t.Select(m => new AlterPartitionReassignmentsRequest.ReassignablePartition { PartitionIndex = m.Partition, Replicas = [.. m.Replicas] })],
            })],
        }, 0, RequestTimeout).ConfigureAwait(false);
        if (response.ErrorCode != 0) return (BrookError)response.ErrorCode;
        return response.Responses.SelectMany(r => r.Partitions).Select(p => (BrookError)p.ErrorCode).FirstOrDefault(e => e != BrookError.None);
    }

    /// <summary>Every partition's target replicas: a running move's target, else its replicas.</summary>
    private static async Task<Dictionary<(string Topic, int Partition), List<int>>> TargetsAsync(Wire.ProtocolClient client)
    {
        var targets = new Dictionary<(string, int), List<int>>();
        foreach (var topic in await TopicsAsync(client).ConfigureAwait(false))
            foreach (var p in topic.Partitions)
                targets[(topic.Name!, p.PartitionIndex)] = [.. p.ReplicaNodes];
        foreach (var ongoing in await OngoingAsync(client).ConfigureAwait(false))
            targets[(ongoing.Topic, ongoing.Partition.PartitionIndex)] = [.. ongoing.Partition.Replicas.Except(ongoing.Partition.RemovingReplicas)];
        return targets;
    }

    private static async Task<bool> HoldsNothingAsync(Wire.ProtocolClient client, int id) =>
        (await TopicsAsync(client).ConfigureAwait(false)).All(t => t.Partitions.All(p => !p.ReplicaNodes.Contains(id)));

    private static async Task<List<(string Topic, ListPartitionReassignmentsResponse.OngoingPartitionReassignment Partition)>> OngoingAsync(Wire.ProtocolClient client)
    {
        var response = await client.SendAsync<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>(
            new ListPartitionReassignmentsRequest { Topics = null }, 0, RequestTimeout).ConfigureAwait(false);
        if (response.ErrorCode != 0) throw new InvalidOperationException($"ListPartitionReassignments: {(BrookError)response.ErrorCode} {response.ErrorMessage}");
        return [.. response.Topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p)))];
    }

    private static async Task<List<MetadataResponse.MetadataResponseTopic>> TopicsAsync(Wire.ProtocolClient client)
    {
        var metadata = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = null, AllowAutoTopicCreation = false },
            12, RequestTimeout).ConfigureAwait(false);
        return [.. metadata.Topics.Where(t => t.ErrorCode == 0)];
    }

    /// <summary>A connection to the client listener of a running voter (operations happen between faults, so one is there).</summary>
    private async Task<Wire.ProtocolClient> AdminConnectionAsync()
    {
        Exception? last = null;
        foreach (var node in _cluster.Nodes.Where(n => n.IsVoter && n.IsRunning && !n.IsPaused))
        {
            try
            {
                return await node.ConnectAsync(ClusterListener.Client).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException)
            {
                last = e;
            }
        }
        throw new InvalidOperationException("no running voter answers for an admin request", last);
    }
}
