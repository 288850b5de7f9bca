using System.Diagnostics;
using System.Globalization;
using Brook.Common;
using Brook.IntegrationTests.Infrastructure;
using Brook.Protocol.Messages;
using Confluent.Kafka.Admin;

namespace Brook.IntegrationTests;

/// <summary>
/// Replacing a controller voter under load (KIP-853) on real processes: a fourth combined node started outside
/// controller.quorum.voters follows the metadata log as an observer; <c>brook metadata-quorum add-controller</c>
/// (AddRaftVoter) makes it a voter and <c>remove-controller</c> (RemoveRaftVoter) takes voter 3 out, while an admin
/// client keeps creating topics (every creation is a metadata commit). Node 3 is then killed, and so is one more
/// original voter (the quorum leader when it is one): the remaining original voter and the new one are a majority of
/// {1, 2, 4} and the quorum keeps committing; DescribeQuorum, <c>describe</c> and DescribeCluster report the new set.
/// </summary>
public sealed class ClusterVoterChangeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_controller_voter_is_replaced_with_AddRaftVoter_and_RemoveRaftVoter_under_load_and_the_quorum_keeps_committing()
    {
        await using var cluster = await ClusterProcess.StartAsync("voter-change");
        using var logs = new ClusterLogReporter(cluster, output);
        await ClusterProbe.WaitForAllBrokersAsync(cluster, Patience);
        await using var newcomer = await StartObserverControllerAsync(cluster, nodeId: 4);
        try
        {
            var n1 = cluster.Node(1);
            await Eventually.HoldsAsync(async () => await ClusterProbe.DescribeQuorumAsync(n1) is { } q && q.Observers.Any(o => o.ReplicaId == 4 && o.LogEndOffset > 0),
                "node 4 is not an observer of the quorum", Patience);

            using var load = new TopicCreationLoad($"{n1.BootstrapServers},{cluster.Node(2).BootstrapServers},{newcomer.BootstrapServers}", output);
            await load.WaitForCreationsAsync(5, Patience);

            // Node 4 joins, as an operator adds it: brook metadata-quorum add-controller with node 4's own configuration
            // (its id, controller listener and the directory id in its meta.properties). The leader takes it once it has
            // caught up (REQUEST_TIMED_OUT until then).
            var directoryId = DirectoryIdOf(newcomer.DataDirectory);
            var added = await RetryCliWhileTimedOutAsync(["metadata-quorum", "--bootstrap-controller", n1.ControllerEndpoint, "add-controller",
                .. BrookCli.OverrideArguments(newcomer.Overrides)]);
            Assert.True(added.ExitCode == 0, $"add-controller: {added}");
            Assert.Contains($"Added controller 4 with directory id {directoryId}", added.StandardOutput);
            var quorum = await VotersEventuallyAsync(n1, [1, 2, 3, 4]);
            var described = await SendAsync<DescribeQuorumRequest, DescribeQuorumResponse>(n1, new DescribeQuorumRequest
            {
                Topics = [new() { TopicName = "__cluster_metadata", Partitions = [new() { PartitionIndex = 0 }] }],
            }, version: 2);
            Assert.Contains(described.Nodes, n => n.NodeId == 4 && n.Listeners.Any(l => l.Port == newcomer.ReadinessPort));
            Assert.Equal(directoryId, quorum.Voter(4).ReplicaDirectoryId);
            Assert.Equal((short)ErrorCode.DuplicateVoter, (await SendAsync<AddRaftVoterRequest, AddRaftVoterResponse>(n1, new AddRaftVoterRequest
            {
                ClusterId = cluster.ClusterId, VoterId = 4, VoterDirectoryId = directoryId,
                Listeners = [new ListenerEndpoint { Name = "CONTROLLER", Host = "127.0.0.1", Port = (ushort)newcomer.ReadinessPort }],
            })).ErrorCode);
            // UpdateRaftVoter: node 4 re-announcing its endpoints is accepted (nothing to change); a stranger's is not.
            var update = new UpdateRaftVoterRequest
            {
                ClusterId = cluster.ClusterId, CurrentLeaderEpoch = quorum.LeaderEpoch, VoterId = 4, VoterDirectoryId = directoryId,
                Listeners = [new ListenerEndpoint { Name = "CONTROLLER", Host = "127.0.0.1", Port = (ushort)newcomer.ReadinessPort }],
            };
            Assert.Equal(0, (await SendAsync<UpdateRaftVoterRequest, UpdateRaftVoterResponse>(n1, update)).ErrorCode);
            update.VoterDirectoryId = new Uuid(1, 2);
            Assert.Equal((short)ErrorCode.VoterNotFound, (await SendAsync<UpdateRaftVoterRequest, UpdateRaftVoterResponse>(n1, update)).ErrorCode);
            await load.WaitForCreationsAsync(load.Created + 3, Patience);

            // Voter 3 leaves (possibly the leader: it then resigns once the removal commits), asked through node 2's
            // client listener (forwarded to the leader).
            var removed = await RetryCliWhileTimedOutAsync(["metadata-quorum", "--bootstrap-server", cluster.Node(2).BootstrapServers, "remove-controller",
                "--controller-id", "3", "--controller-directory-id", quorum.Voter(3).ReplicaDirectoryId.ToString()]);
            Assert.True(removed.ExitCode == 0, $"remove-controller: {removed}");
            await VotersEventuallyAsync(n1, [1, 2, 4]);
            // Removing it again finds no such voter — once a leader can take changes: if 3 led, it resigned after the
            // removal and its successor refuses changes (REQUEST_TIMED_OUT) until its own epoch is committed.
            var again = await RetryWhileTimedOutAsync(() => SendAsync<RemoveRaftVoterRequest, RemoveRaftVoterResponse>(n1, new RemoveRaftVoterRequest
            {
                ClusterId = cluster.ClusterId, VoterId = 3, VoterDirectoryId = quorum.Voter(3).ReplicaDirectoryId,
            }));
            Assert.Equal((short)ErrorCode.VoterNotFound, again.ErrorCode);
            await load.WaitForCreationsAsync(load.Created + 3, Patience);

            // Node 3 goes away for good, then one more original voter dies — the quorum leader if it is one of them, so
            // the survivor and node 4 must elect a new one: those two are a majority of {1, 2, 4}.
            cluster.Node(3).Kill();
            await load.WaitForCreationsAsync(load.Created + 3, Patience);
            var (leaderBefore, epochBefore) = await ClusterProbe.QuorumLeaderAsync(cluster);
            var victim = cluster.Node(leaderBefore is 1 or 2 ? leaderBefore : 2);
            var survivor = cluster.Node(victim.NodeId == 1 ? 2 : 1);
            victim.Kill();
            var clock = Stopwatch.StartNew();
            var beforeKill = load.Created;
            await load.WaitForCreationsAsync(beforeKill + 5, Patience);
            output.WriteLine($"with voters {victim.NodeId} (leader before: {leaderBefore}) and 3 dead, 5 more topic creations committed within {clock.ElapsedMilliseconds} ms");
            var final = await ClusterProbe.DescribeQuorumAsync(survivor);
            Assert.NotNull(final);
            output.WriteLine($"final quorum: leader {final.LeaderId} epoch {final.LeaderEpoch} hw {final.HighWatermark} voters [{string.Join(",", final.CurrentVoters.Select(v => $"{v.ReplicaId}@{v.LogEndOffset}"))}] observers [{string.Join(",", final.Observers.Select(v => $"{v.ReplicaId}@{v.LogEndOffset}"))}]");
            Assert.Contains(final.LeaderId, new[] { survivor.NodeId, 4 });
            if (victim.NodeId == leaderBefore) Assert.True(final.LeaderEpoch > epochBefore, $"no new epoch after leader {leaderBefore} died");
            Assert.Equal([1, 2, 4], final.CurrentVoters.Select(v => v.ReplicaId).Order());

            // brook metadata-quorum describe reports the same, with node 4's endpoint.
            var status = await BrookCli.RunAsync("metadata-quorum", "--bootstrap-controller", survivor.ControllerEndpoint, "describe", "--status");
            Assert.True(status.ExitCode == 0, $"describe --status: {status}");
            output.WriteLine(status.StandardOutput);
            Assert.Contains($"\"id\": 4, \"directoryId\": \"{directoryId}\", \"endpoints\": [\"CONTROLLER://127.0.0.1:{newcomer.ReadinessPort}\"]", status.StandardOutput);
            var replication = await BrookCli.RunAsync("metadata-quorum", "--bootstrap-controller", survivor.ControllerEndpoint, "describe", "--replication");
            Assert.True(replication.ExitCode == 0, $"describe --replication: {replication}");
            output.WriteLine(replication.StandardOutput);
            Assert.Equal(3, replication.StandardOutput.Split('\n').Count(l => l.TrimEnd().EndsWith("Leader", StringComparison.Ordinal) || l.TrimEnd().EndsWith("Follower", StringComparison.Ordinal)));

            // DescribeCluster (controllers) lists the new voter set with node 4's controller endpoint.
            using (var client = await survivor.ConnectAsync(ClusterListener.Controller))
            {
                var cluster4 = await client.SendAsync<DescribeClusterRequest, DescribeClusterResponse>(
                    new DescribeClusterRequest { EndpointType = DescribeClusterRequest.EndpointTypeControllers }, 1, RequestTimeout);
                Assert.Equal(0, cluster4.ErrorCode);
                Assert.Equal([1, 2, 4], cluster4.Brokers.Select(b => b.BrokerId).Order());
                Assert.Contains(cluster4.Brokers, b => b.BrokerId == 4 && b.Port == newcomer.ReadinessPort);
            }

            // Every topic the load created is there.
            load.Stop();
            using var admin = KafkaTestClient.CreateAdmin(survivor.BootstrapServers);
            var names = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToHashSet();
            Assert.All(load.CreatedTopics, t => Assert.Contains(t, names));
            output.WriteLine($"{load.Created} topics created under load, {load.Failures} creations failed or timed out during the changes");

            // The killed voter restarts with the same static controller.quorum.voters (1, 2, 3): its log says {1, 2, 4},
            // so it rejoins as a voter of that set and catches up.
            await victim.RestartAsync();
            await Eventually.HoldsAsync(async () => await ClusterProbe.DescribeQuorumAsync(survivor) is { } q
                    && q.CurrentVoters.Select(v => v.ReplicaId).Order().SequenceEqual([1, 2, 4])
                    && q.CurrentVoters.Single(v => v.ReplicaId == victim.NodeId).LogEndOffset >= q.HighWatermark,
                $"restarted voter {victim.NodeId} did not catch up as a voter of {{1, 2, 4}}", Patience);
            Assert.Contains($"voters 1,2,4", victim.Log);
        }
        finally
        {
            output.WriteLine("--- node 4 ---");
            output.WriteLine(newcomer.Log);
        }
    }

    /// <summary>Node <paramref name="nodeId"/>: broker and controller, outside controller.quorum.voters, formatted with the cluster's id.</summary>
    private static Task<BrokerProcess> StartObserverControllerAsync(ClusterProcess cluster, int nodeId)
    {
        var clientPort = FreePort.Pick();
        var controllerPort = FreePort.Pick();
        return BrokerOnlyNode.StartFormattedAsync(cluster, $"voter-change-n{nodeId}",
        [
            new("process.roles", "broker,controller"),
            new("node.id", nodeId.ToString(CultureInfo.InvariantCulture)),
            new("controller.quorum.voters", cluster.QuorumVoters),
            new("listeners", $"PLAINTEXT://127.0.0.1:{clientPort},CONTROLLER://127.0.0.1:{controllerPort}"),
            new("controller.listener.names", "CONTROLLER"),
            new("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            new("inter.broker.listener.name", "PLAINTEXT"),
        ], new BrokerProcessOptions { Port = clientPort, ReadinessPort = controllerPort, StartupTimeout = Patience });
    }

    private static Uuid DirectoryIdOf(string dataDirectory) =>
        Uuid.Parse((Brook.Storage.MetaProperties.Read(dataDirectory) ?? throw new InvalidOperationException($"{dataDirectory} is not formatted")).DirectoryId);

    private static async Task<TResponse> SendAsync<TRequest, TResponse>(ClusterNode node, TRequest request, short version = 0)
        where TRequest : Brook.Protocol.IRequestMessage
        where TResponse : Brook.Protocol.IMessage, new()
    {
        using var client = await node.ConnectAsync(ClusterListener.Controller);
        return await client.SendAsync<TRequest, TResponse>(request, version, RequestTimeout);
    }

    /// <summary>Repeats a voter change request the leader refuses for now (a change or an election in flight).</summary>
    private static async Task<T> RetryWhileTimedOutAsync<T>(Func<Task<T>> send) where T : ErrorMessageResponse
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var response = await send();
            if ((ErrorCode)response.ErrorCode is not (ErrorCode.RequestTimedOut or ErrorCode.NotLeaderOrFollower) || deadline.Elapsed > Patience) return response;
            await Task.Delay(250);
        }
    }

    /// <summary>Repeats a voter change the leader refuses for now (observer catching up, a change or an election in flight).</summary>
    private static async Task<ProcessResult> RetryCliWhileTimedOutAsync(string[] arguments)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var result = await BrookCli.RunAsync(arguments);
            var retriable = result.ExitCode == 1 && (result.StandardError.Contains(nameof(ErrorCode.RequestTimedOut), StringComparison.Ordinal)
                                                     || result.StandardError.Contains(nameof(ErrorCode.NotLeaderOrFollower), StringComparison.Ordinal));
            if (!retriable || deadline.Elapsed > Patience) return result;
            await Task.Delay(250);
        }
    }

    private static async Task<DescribeQuorumResponse.PartitionData> VotersEventuallyAsync(ClusterNode node, int[] voters)
    {
        DescribeQuorumResponse.PartitionData? quorum = null;
        await Eventually.HoldsAsync(async () =>
        {
            quorum = await ClusterProbe.DescribeQuorumAsync(node);
            return quorum is not null && quorum.CurrentVoters.Select(v => v.ReplicaId).Order().SequenceEqual(voters);
        }, $"the voters did not become {string.Join(",", voters)}", Patience);
        return quorum!;
    }

    /// <summary>An admin client creating one single-partition topic after another until stopped: a steady stream of metadata commits.</summary>
    private sealed class TopicCreationLoad : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly List<string> _created = [];
        private int _failures;

        public TopicCreationLoad(string bootstrap, ITestOutputHelper output)
        {
            _loop = Task.Run(async () =>
            {
                using var admin = KafkaTestClient.CreateAdmin(bootstrap);
                var i = 0;
                while (!_stop.IsCancellationRequested)
                {
                    var name = $"voter-load-{i++}";
                    try
                    {
                        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = 1, ReplicationFactor = 1 }],
                            new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(10), OperationTimeout = TimeSpan.FromSeconds(10) });
                        lock (_created) _created.Add(name);
                    }
                    catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code == Confluent.Kafka.ErrorCode.TopicAlreadyExists))
                    {
                        // An earlier attempt of this name committed after its answer was lost.
                        lock (_created) _created.Add(name);
                    }
                    catch (Exception e) when (e is Confluent.Kafka.KafkaException)
                    {
                        Interlocked.Increment(ref _failures);
                        output.WriteLine($"creating {name} failed: {e.Message}");
                        await Task.Delay(100);
                    }
                    await Task.Delay(50);
                }
            });
        }

        public int Created
        {
            get { lock (_created) return _created.Count; }
        }

        public IReadOnlyList<string> CreatedTopics
        {
            get { lock (_created) return [.. _created]; }
        }

        public int Failures => Volatile.Read(ref _failures);

        public Task WaitForCreationsAsync(int count, TimeSpan within) =>
            Eventually.HoldsAsync(() => Task.FromResult(Created >= count), $"the load did not reach {count} topic creations (at {Created})", within);

        public void Stop()
        {
            _stop.Cancel();
            _loop.Wait(TimeSpan.FromSeconds(30));
        }

        public void Dispose()
        {
            Stop();
            _stop.Dispose();
        }
    }
}

internal static class QuorumPartitionExtensions
{
    public static DescribeQuorumResponse.ReplicaState Voter(this DescribeQuorumResponse.PartitionData quorum, int id) =>
        quorum.CurrentVoters.Single(v => v.ReplicaId == id);
}
