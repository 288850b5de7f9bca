using System.Diagnostics;
using System.Text;
using Brook.Common;
using Brook.IntegrationTests.Infrastructure;
using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;

namespace Brook.IntegrationTests;

/// <summary>
/// The broker lifecycle on three real combined nodes (KIP-631): a broker killed with SIGKILL is fenced by the active
/// controller once broker.session.timeout.ms passes without its heartbeats, its leaderships move to other ISR members
/// in a newer leader epoch and it leaves the ISRs; restarted, it is listed again. A broker stopped with SIGTERM hands its
/// leaderships over in a controlled shutdown before it exits. Only metadata is asserted: replication itself is other
/// work, so the ISRs here are the ones the partitions were created with.
/// </summary>
public sealed class ClusterLifecycleTests(ITestOutputHelper output)
{
    private const int SessionTimeoutMs = 3000;
    private const string Topic = "lifecycle";

    /// <summary>Session timeout plus a few seconds for the check's period, the write and the metadata to spread.</summary>
    private static readonly TimeSpan FenceDeadline = TimeSpan.FromMilliseconds(SessionTimeoutMs) + TimeSpan.FromSeconds(5);

    /// <remarks>
    /// When the victim is the active controller, a new one is elected first; it dates the victim's session from when the
    /// quorum last heard from it (the others get fresh sessions), so the victim is fenced about a session timeout after
    /// it died: within the same deadline.
    /// </remarks>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_killed_broker_is_fenced_within_the_session_timeout_and_its_leaderships_move(bool victimIsController)
    {
        await using var cluster = await Cluster.StartAsync(output);
        var before = await cluster.CreateTopicAsync(Topic, partitions: 6, replicationFactor: 3);
        var victim = await cluster.PickVictimAsync(before, victimIsController);
        var led = before.Partitions.Where(p => p.LeaderId == victim.Id).ToDictionary(p => p.PartitionIndex, p => p.LeaderEpoch);
        Assert.NotEmpty(led);

        var clock = Stopwatch.StartNew();
        victim.Kill();
        var others = cluster.Nodes.Where(n => n != victim).ToList();
        foreach (var node in others)
        {
            var after = await node.WaitForMetadataAsync(m =>
                    m.Brokers.All(b => b.NodeId != victim.Id)
                    && TopicOf(m).Partitions.All(p => !p.IsrNodes.Contains(victim.Id) && p.LeaderId != victim.Id)
                    && led.All(kv => TopicOf(m).Partitions[kv.Key] is { LeaderId: >= 0 } p && p.LeaderEpoch > kv.Value),
                FenceDeadline, $"node {node.Id} to see broker {victim.Id} fenced and its partitions led by others");
            foreach (var p in TopicOf(after).Partitions)
            {
                Assert.Equal(0, p.ErrorCode);
                Assert.Contains(p.LeaderId, others.Select(o => o.Id));
                Assert.Contains(victim.Id, p.ReplicaNodes);
                Assert.Equal([victim.Id], p.OfflineReplicas);
                Assert.Equal(2, p.IsrNodes.Count);
            }
        }
        output.WriteLine($"broker {victim.Id} fenced and its {led.Count} leaderships moved {clock.ElapsedMilliseconds} ms after SIGKILL");
        Assert.True(clock.Elapsed < FenceDeadline);

        // DescribeCluster v2 still lists it when asked for fenced brokers.
        using (var client = await ProtocolClient.ConnectAsync(others[0].BrokerPort))
        {
            var described = await client.SendAsync<DescribeClusterRequest, DescribeClusterResponse>(
                new DescribeClusterRequest { IncludeFencedBrokers = true }, 2);
            Assert.True(described.Brokers.Single(b => b.BrokerId == victim.Id).IsFenced);
            Assert.All(described.Brokers.Where(b => b.BrokerId != victim.Id), b => Assert.False(b.IsFenced));
            // UnregisterBroker reaches the active controller from any broker (an unknown id changes nothing).
            var unregistered = await client.SendAsync<UnregisterBrokerRequest, UnregisterBrokerResponse>(new UnregisterBrokerRequest { BrokerId = 99 }, 0);
            Assert.Equal(ErrorCode.BrokerIdNotRegistered, (ErrorCode)unregistered.ErrorCode);
        }

        await victim.StartAsync();
        foreach (var node in cluster.Nodes)
            await node.WaitForMetadataAsync(m => m.Brokers.Any(b => b.NodeId == victim.Id), FenceDeadline,
                $"node {node.Id} to list broker {victim.Id} again after its restart");
        Assert.Contains("The controller unfenced this broker", victim.LogSinceStart);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_terminated_broker_hands_its_leaderships_over_before_it_exits(bool victimIsController)
    {
        await using var cluster = await Cluster.StartAsync(output);
        var before = await cluster.CreateTopicAsync(Topic, partitions: 6, replicationFactor: 3);
        var victim = await cluster.PickVictimAsync(before, victimIsController);
        var led = before.Partitions.Where(p => p.LeaderId == victim.Id).ToDictionary(p => p.PartitionIndex, p => p.LeaderEpoch);
        Assert.NotEmpty(led);
        var others = cluster.Nodes.Where(n => n != victim).ToList();

        var clock = Stopwatch.StartNew();
        var exitCode = await victim.TerminateAsync(TimeSpan.FromSeconds(40));
        var exitedAfter = clock.Elapsed;

        Assert.Equal(0, exitCode);
        // The broker logs this only once the controller answered ShouldShutDown, i.e. after its leaderships moved.
        Assert.Contains("Controlled shutdown complete", victim.LogSinceStart);
        Assert.True(exitedAfter < TimeSpan.FromSeconds(20), $"the broker took {exitedAfter.TotalMilliseconds:0} ms to stop");
        foreach (var node in others)
        {
            // Whatever the other brokers show is what the controller decided before letting the victim go.
            var after = await node.WaitForMetadataAsync(m =>
                    m.Brokers.All(b => b.NodeId != victim.Id)
                    && led.All(kv => TopicOf(m).Partitions[kv.Key] is { LeaderId: >= 0 } p && p.LeaderId != victim.Id && p.LeaderEpoch > kv.Value),
                TimeSpan.FromSeconds(2), $"node {node.Id} to see the leaderships of broker {victim.Id} moved");
            Assert.All(TopicOf(after).Partitions, p => Assert.DoesNotContain(victim.Id, p.IsrNodes));
        }
        // The active controller moved the leaderships and then let it go — no session ran out.
        var controllerLogs = string.Concat(cluster.Nodes.Select(o => o.LogSinceStart));
        Assert.Contains($"Broker {victim.Id} entered controlled shutdown", controllerLogs);
        Assert.Contains($"Broker {victim.Id} may shut down now", controllerLogs);
        Assert.DoesNotContain($"Fenced broker {victim.Id}: no heartbeat", controllerLogs);
        output.WriteLine($"broker {victim.Id} handed {led.Count} leaderships over and exited {exitedAfter.TotalMilliseconds:0} ms after SIGTERM");
    }

    private static MetadataResponse.MetadataResponseTopic TopicOf(MetadataResponse m) => m.Topics.Single(t => t.Name == Topic);

    /// <summary>Three combined nodes (broker + controller) on free loopback ports, formatted for one cluster id.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private Cluster(IReadOnlyList<Node> nodes) => Nodes = nodes;

        public IReadOnlyList<Node> Nodes { get; }

        public static async Task<Cluster> StartAsync(ITestOutputHelper output)
        {
            var clusterId = Uuid.NewRandom().ToString();
            var root = Path.Combine(Path.GetTempPath(), "brook-it", $"lifecycle-{Guid.NewGuid():N}");
            var ports = Enumerable.Range(1, 3).Select(_ => (Broker: FreePort.Pick(), Controller: FreePort.Pick())).ToArray();
            var voters = string.Join(",", ports.Select((p, i) => $"{i + 1}@127.0.0.1:{p.Controller}"));
            var nodes = ports.Select((p, i) => new Node(i + 1, p.Broker, p.Controller, voters, clusterId, Path.Combine(root, $"node{i + 1}"), output)).ToList();
            var cluster = new Cluster(nodes);
            try
            {
                // All at once: each waits for a quorum of the others before it is ready.
                await Task.WhenAll(nodes.Select(n => n.StartAsync()));
                foreach (var node in nodes)
                    await node.WaitForMetadataAsync(m => m.Brokers.Count == 3, TimeSpan.FromSeconds(30), $"node {node.Id} to list three brokers");
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        /// <summary>Creates the topic through node 1 (forwarded to the active controller) and waits until every node has it.</summary>
        public async Task<MetadataResponse.MetadataResponseTopic> CreateTopicAsync(string name, int partitions, short replicationFactor)
        {
            using (var client = await ProtocolClient.ConnectAsync(Nodes[0].BrokerPort))
            {
                var created = await client.SendAsync<CreateTopicsRequest, CreateTopicsResponse>(new CreateTopicsRequest
                {
                    Topics = [new CreateTopicsRequest.CreatableTopic { Name = name, NumPartitions = partitions, ReplicationFactor = replicationFactor }],
                }, 7);
                var result = Assert.Single(created.Topics);
                Assert.True(result.ErrorCode == 0, $"CreateTopics failed: {(ErrorCode)result.ErrorCode} {result.ErrorMessage}");
            }
            MetadataResponse? last = null;
            foreach (var node in Nodes)
                last = await node.WaitForMetadataAsync(m => m.Topics.Any(t => t.Name == name && t.ErrorCode == 0 && t.Partitions.Count == partitions),
                    TimeSpan.FromSeconds(10), $"node {node.Id} to have topic {name}");
            return last!.Topics.Single(t => t.Name == name);
        }

        /// <summary>
        /// A broker that leads some partitions and is (or is not) the active controller: the session check or the
        /// controlled shutdown on another node, or the same after a controller fail-over.
        /// </summary>
        public async Task<Node> PickVictimAsync(MetadataResponse.MetadataResponseTopic topic, bool isController)
        {
            using var client = await ProtocolClient.ConnectAsync(Nodes[0].BrokerPort);
            var quorum = await client.SendAsync<DescribeQuorumRequest, DescribeQuorumResponse>(new DescribeQuorumRequest
            {
                Topics = [new DescribeQuorumRequest.TopicData { TopicName = "__cluster_metadata", Partitions = [new() { PartitionIndex = 0 }] }],
            }, 1);
            var controller = quorum.Topics.Single().Partitions.Single().LeaderId;
            return Nodes.First(n => (n.Id == controller) == isController && topic.Partitions.Any(p => p.LeaderId == n.Id));
        }

        public ValueTask DisposeAsync()
        {
            foreach (var node in Nodes) node.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>One `brook.dll` process, restartable on the same ports and data directory.</summary>
    private sealed class Node : IDisposable
    {
        private readonly string _voters;
        private readonly string _dataDir;
        private readonly ITestOutputHelper _output;
        private readonly StringBuilder _log = new();
        private readonly Lock _logLock = new();
        private Process? _process;
        private int _startedAt;

        public Node(int id, int brokerPort, int controllerPort, string voters, string clusterId, string dataDir, ITestOutputHelper output)
        {
            Id = id;
            BrokerPort = brokerPort;
            ControllerPort = controllerPort;
            _voters = voters;
            _dataDir = dataDir;
            _output = output;
            Directory.CreateDirectory(dataDir);
            // What `brook storage format` writes; a node of a multi-node quorum does not format itself.
            File.WriteAllText(Path.Combine(dataDir, "meta.properties"),
                $"version=1\ncluster.id={clusterId}\nnode.id={id}\ndirectory.id={Uuid.NewRandom()}\n");
        }

        public int Id { get; }
        public int BrokerPort { get; }
        public int ControllerPort { get; }

        /// <summary>The output of the current (or last) run.</summary>
        public string LogSinceStart
        {
            get { lock (_logLock) return _log.ToString(_startedAt, _log.Length - _startedAt); }
        }

        public async Task StartAsync()
        {
            _process?.Dispose();
            lock (_logLock) _startedAt = _log.Length;
            var psi = new ProcessStartInfo(Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = _dataDir,
            };
            psi.ArgumentList.Add(RepoPaths.FindBrookDll());
            foreach (var (key, value) in new[]
            {
                ("node.id", $"{Id}"),
                ("log.dirs", _dataDir),
                ("listeners", $"PLAINTEXT://127.0.0.1:{BrokerPort},CONTROLLER://127.0.0.1:{ControllerPort}"),
                ("controller.listener.names", "CONTROLLER"),
                ("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                ("controller.quorum.voters", _voters),
                ("broker.session.timeout.ms", $"{SessionTimeoutMs}"),
                ("broker.heartbeat.interval.ms", "500"),
            })
            {
                psi.ArgumentList.Add("--override");
                psi.ArgumentList.Add($"{key}={value}");
            }
            psi.Environment["NO_COLOR"] = "1";
            psi.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
            var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;

            var deadline = Stopwatch.StartNew();
            while (!await IsServingAsync())
            {
                if (process.HasExited) throw new InvalidOperationException($"node {Id} exited with {process.ExitCode} while starting:\n{LogSinceStart}");
                if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"node {Id} did not start:\n{LogSinceStart}");
                await Task.Delay(100);
            }
        }

        public void Kill()
        {
            if (_process is not { HasExited: false } process) return;
            process.Kill();
            process.WaitForExit();
        }

        /// <summary>SIGTERM; the exit code once the process is gone (killed and failed after <paramref name="timeout"/>).</summary>
        public async Task<int> TerminateAsync(TimeSpan timeout)
        {
            var process = _process ?? throw new InvalidOperationException("not started");
            Signals.Terminate(process.Id);
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                throw new TimeoutException($"node {Id} did not exit within {timeout.TotalSeconds:0} s of SIGTERM:\n{LogSinceStart}");
            }
            process.WaitForExit();
            return process.ExitCode;
        }

        /// <summary>Polls Metadata v12 (all topics) on this node until <paramref name="done"/> holds; fails with the cluster's view otherwise.</summary>
        public async Task<MetadataResponse> WaitForMetadataAsync(Func<MetadataResponse, bool> done, TimeSpan timeout, string what)
        {
            var deadline = Stopwatch.StartNew();
            MetadataResponse? last = null;
            while (true)
            {
                try
                {
                    using var client = await ProtocolClient.ConnectAsync(BrokerPort);
                    last = await client.SendAsync<MetadataRequest, MetadataResponse>(new MetadataRequest { Topics = null, AllowAutoTopicCreation = false }, 12,
                        TimeSpan.FromSeconds(2));
                    if (done(last)) return last;
                }
                catch (Exception e) when (e is IOException or TimeoutException or Client.KafkaConnectionException or System.Net.Sockets.SocketException)
                {
                    // starting, or a connection dropped: ask again
                }
                if (deadline.Elapsed > timeout)
                {
                    _output.WriteLine($"--- node {Id} log ---\n{LogSinceStart}");
                    Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last metadata: {Describe(last)}");
                }
                await Task.Delay(100);
            }
        }

        private async Task<bool> IsServingAsync()
        {
            try
            {
                using var client = await ProtocolClient.ConnectAsync(BrokerPort);
                var versions = await client.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(
                    new ApiVersionsRequest { ClientSoftwareName = "brook-tests", ClientSoftwareVersion = "1.0" }, 3, TimeSpan.FromSeconds(2));
                return versions.ErrorCode == 0;
            }
            catch (Exception e) when (e is IOException or TimeoutException or Client.KafkaConnectionException or System.Net.Sockets.SocketException
                                      or OperationCanceledException or InvalidDataException)
            {
                return false;
            }
        }

        private static string Describe(MetadataResponse? m) => m is null ? "none" :
            $"brokers [{string.Join(",", m.Brokers.Select(b => b.NodeId))}]; " + string.Join("; ", m.Topics.Where(t => t.Name == Topic).SelectMany(t => t.Partitions)
                .Select(p => $"p{p.PartitionIndex} leader {p.LeaderId} epoch {p.LeaderEpoch} isr [{string.Join(",", p.IsrNodes)}] offline [{string.Join(",", p.OfflineReplicas)}]"));

        private void Append(string? line)
        {
            if (line is null) return;
            lock (_logLock) _log.AppendLine(line);
        }

        public void Dispose()
        {
            try
            {
                Kill();
            }
            catch (InvalidOperationException) { }
            _process?.Dispose();
            try
            {
                if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException) { }
        }
    }
}
