using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

/// <summary>
/// A controller wired as the broker wires it on a single node: local metadata log → loader → view, and the controller
/// deciding against the view. Exposes what the tests look at.
/// </summary>
internal sealed class TestController : IDisposable
{
    private readonly MetadataLog _log;
    private readonly MetadataView _view = new();
    private readonly ClusterController _controller;

    public TestController(string directory, ClusterControllerOptions? options = null, ITopicConfigValidator? validator = null)
    {
        _log = new MetadataLog(directory);
        _controller = new ClusterController(_log, _view, options, validator);
    }

    public MetadataImage Image => _view.Image;

    public event Action<MetadataImage>? ImagePublished
    {
        add => _view.ImagePublished += value;
        remove => _view.ImagePublished -= value;
    }

    /// <summary>
    /// Replays the log, registers the broker and sends its first heartbeat, as broker start-up does (a broker registers
    /// fenced; the heartbeat of a caught-up broker unfences it).
    /// </summary>
    public async Task StartAsync(int brokerId, IReadOnlyList<BrokerEndpoint> endpoints, string? rack, CancellationToken ct)
    {
        await _log.StartAsync(new MetadataLoader(_view), ct);
        var epoch = await _controller.RegisterBrokerAsync(brokerId, endpoints, rack, ct);
        await _controller.BrokerHeartbeatAsync(new BrokerHeartbeatSpec(brokerId, epoch, _view.Image.Offset, WantFence: false, WantShutDown: false), ct);
    }

    public Task<IReadOnlyList<CreateTopicResult>> CreateTopicsAsync(IReadOnlyList<CreateTopicSpec> specs, bool validateOnly, CancellationToken ct) =>
        _controller.CreateTopicsAsync(specs, validateOnly, ct);

    public Task<IReadOnlyList<DeleteTopicResult>> DeleteTopicsAsync(IReadOnlyList<(string? Name, Common.Uuid? Id)> topics, CancellationToken ct) =>
        _controller.DeleteTopicsAsync(topics, ct);

    public Task<IReadOnlyList<PartitionAdditionResult>> CreatePartitionsAsync(IReadOnlyList<PartitionAdditionSpec> specs, bool validateOnly, CancellationToken ct) =>
        _controller.CreatePartitionsAsync(specs, validateOnly, ct);

    public Task<IReadOnlyList<TopicConfigChangeResult>> AlterTopicConfigsAsync(IReadOnlyList<TopicConfigChange> changes, bool validateOnly, CancellationToken ct) =>
        _controller.AlterTopicConfigsAsync(changes, validateOnly, ct);

    public Task<(Common.ErrorCode Error, string? Message)> AlterBrokerConfigsAsync(string resourceName, IReadOnlyDictionary<string, string> newOverrides,
        Func<string, string?, string?> validate, bool validateOnly, CancellationToken ct) =>
        _controller.AlterBrokerConfigsAsync(resourceName, newOverrides, validate, validateOnly, ct);

    public Task<long> AllocateProducerIdBlockAsync(int blockSize, CancellationToken ct) => _controller.AllocateProducerIdBlockAsync(blockSize, ct);

    public void Dispose() => _log.Dispose();
}
