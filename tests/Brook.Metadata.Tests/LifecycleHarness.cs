using Brook.Common;
using Brook.Common.Config;
using Brook.Metadata.Records;
using Microsoft.Extensions.Time.Testing;

namespace Brook.Metadata.Tests;

/// <summary>
/// The active controller of a cluster of several brokers, on a local metadata log and a fake clock: the tests act as
/// the brokers (register, heartbeat with an offset, stay silent) and as the controller's periodic session check.
/// </summary>
internal sealed class LifecycleHarness : IDisposable
{
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(9);

    private readonly TempDirectory _dir = new();
    private readonly MetadataLog _log;
    private readonly Dictionary<int, long> _epochs = [];

    public LifecycleHarness(ClusterControllerOptions? options = null)
    {
        Options = options ?? new ClusterControllerOptions { BrokerSessionTimeout = SessionTimeout };
        _log = new MetadataLog(_dir.Path);
        Controller = new ClusterController(_log, View, Options, time: Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public MetadataView View { get; } = new();
    public ClusterControllerOptions Options { get; }
    public ClusterController Controller { get; private set; }
    public MetadataImage Image => View.Image;

    public async Task StartAsync() => await _log.StartAsync(new MetadataLoader(View), default);

    /// <summary>
    /// Replaces the controller by a new one on the same log (what a fail-over to another controller looks like to the
    /// state: the image is the same, the in-memory sessions are gone).
    /// </summary>
    public void FailOver() => Controller = new ClusterController(_log, View, Options, time: Time);

    /// <summary>
    /// A fail-over whose new controller last heard from the former quorum leader <paramref name="formerLeader"/>
    /// <paramref name="silence"/> ago (it was elected because that node fell silent).
    /// </summary>
    public void FailOverFromSilentLeader(int formerLeader, TimeSpan silence) =>
        Controller = new ClusterController(new SilentLeaderQuorum(_log, formerLeader, silence), View, Options, time: Time);

    /// <summary>The local log, reporting a former leader's silence as a Raft quorum would.</summary>
    private sealed class SilentLeaderQuorum(IMetadataQuorum inner, int formerLeader, TimeSpan silence) : IMetadataQuorum
    {
        public int NodeId => inner.NodeId;
        public QuorumLeader Leader => inner.Leader;
        public Task StartAsync(IMetadataCommitListener listener, CancellationToken cancellationToken) => inner.StartAsync(listener, cancellationToken);
        public Task WaitUntilCaughtUpAsync(CancellationToken cancellationToken) => inner.WaitUntilCaughtUpAsync(cancellationToken);
        public ValueTask<long> AppendAsync(int epoch, IReadOnlyList<MetadataRecord> records, CancellationToken cancellationToken) =>
            inner.AppendAsync(epoch, records, cancellationToken);
        public TimeSpan? SilenceOfFormerLeader(int nodeId) => nodeId == formerLeader ? silence : null;
        public void Dispose() { }
    }

    /// <summary>Registers broker <paramref name="id"/> (fenced, as every new registration) and returns its epoch.</summary>
    public async Task<long> RegisterAsync(int id, string? rack = null, long previousBrokerEpoch = -1)
    {
        var epoch = await Controller.RegisterBrokerAsync(id, [Endpoint(id)], rack, previousBrokerEpoch, default);
        _epochs[id] = epoch;
        return epoch;
    }

    /// <summary>Registers brokers and unfences each with a caught-up heartbeat, as a start-up does.</summary>
    public async Task StartBrokersAsync(params int[] ids) => await StartBrokersAsync(ids.Select(id => (id, (string?)null)).ToArray());

    public async Task StartBrokersAsync(params (int Id, string? Rack)[] brokers)
    {
        foreach (var (id, rack) in brokers)
        {
            await RegisterAsync(id, rack);
            var answer = await HeartbeatAsync(id);
            Assert.False(answer.IsFenced);
        }
    }

    public long EpochOf(int id) => _epochs[id];

    /// <summary>A heartbeat from broker <paramref name="id"/>, caught up with the current image unless <paramref name="offset"/> says otherwise.</summary>
    public Task<BrokerHeartbeatResult> HeartbeatAsync(int id, bool wantShutDown = false, long? offset = null, bool wantFence = false) =>
        Controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(id, _epochs[id], offset ?? Image.Offset, wantFence, wantShutDown), default);

    public async Task<Uuid> CreateTopicAsync(string name, int partitions, short replicationFactor, Dictionary<string, string?>? configs = null)
    {
        var result = Assert.Single(await Controller.CreateTopicsAsync([new CreateTopicSpec(name, partitions, replicationFactor, configs)], false, default));
        Assert.Equal(ErrorCode.None, result.ErrorCode);
        return result.TopicId;
    }

    public PartitionImage Partition(string topic, int index) => Image.TopicsByName[topic].Partitions[index];

    public IEnumerable<PartitionImage> Partitions(string topic) => Image.TopicsByName[topic].Partitions;

    public static BrokerEndpoint Endpoint(int id) => new("PLAINTEXT", $"b{id}", 9092, SecurityProtocol.Plaintext);

    public void Dispose()
    {
        _log.Dispose();
        _dir.Dispose();
    }
}
