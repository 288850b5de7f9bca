using Brook.Common.Config;
using Brook.Metadata;

namespace Brook.Server;

/// <summary>
/// The broker configuration in force: the static one (file, environment, flags) with the dynamic overrides of the
/// metadata image on top (cluster-wide defaults, then this broker's own). Rebuilt whenever an image is published, so
/// AlterConfigs on a broker resource changes topic defaults without a restart.
/// </summary>
public sealed class DynamicBrokerConfig
{
    private readonly BrokerConfig _static;
    private readonly RemovedConfigNotices? _notices;
    private BrokerConfig _current;

    /// <param name="staticConfig">The configuration the process started with.</param>
    /// <param name="notices">Where use of configs Kafka 4.0 removed is reported, or null (tests).</param>
    public DynamicBrokerConfig(BrokerConfig staticConfig, RemovedConfigNotices? notices = null)
    {
        _static = staticConfig;
        _notices = notices;
        _current = staticConfig;
    }

    public BrokerConfig Static => _static;
    public BrokerConfig Current => Volatile.Read(ref _current);

    public void Apply(MetadataImage image)
    {
        image.BrokerConfigs.TryGetValue("", out var clusterDefaults);
        image.BrokerConfigs.TryGetValue(_static.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture), out var own);
        _notices?.NoteBroker(clusterDefaults, "the cluster-wide broker defaults");
        _notices?.NoteBroker(own, $"broker {_static.NodeId}");
        Volatile.Write(ref _current, clusterDefaults is null && own is null ? _static : _static.WithDynamic(clusterDefaults, own));
    }
}
