using Brook.Common.Config;
using Brook.Metadata;
using Brook.Replication;
using Brook.Storage;

namespace Brook.Server;

/// <summary>Turns a topic's config overrides plus the broker's defaults into the settings its partitions run with.</summary>
public static class PartitionSettingsResolver
{
    public static PartitionSettings Resolve(BrokerConfig broker, TopicImage topic)
    {
        var t = TopicConfig.Resolve(broker, topic.Configs);
        var log = new LogConfig
        {
            SegmentBytes = t.SegmentBytes,
            SegmentMs = t.SegmentMs,
            IndexIntervalBytes = t.IndexIntervalBytes,
            SegmentIndexBytes = t.SegmentIndexBytes,
            FlushIntervalMessages = t.FlushMessages,
            FlushIntervalMs = t.FlushMs,
            MaxMessageBytes = t.MaxMessageBytes,
            RetentionMs = t.RetentionMs,
            RetentionBytes = t.RetentionBytes,
            FileDeleteDelayMs = t.FileDeleteDelayMs,
            CleanupPolicy = (t.HasDeletePolicy ? CleanupPolicy.Delete : CleanupPolicy.None) | (t.HasCompactPolicy ? CleanupPolicy.Compact : CleanupPolicy.None),
            DeleteRetentionMs = t.DeleteRetentionMs,
            MinCleanableDirtyRatio = t.MinCleanableDirtyRatio,
            MinCompactionLagMs = t.MinCompactionLagMs,
            MaxCompactionLagMs = t.MaxCompactionLagMs,
            SegmentJitterMs = t.SegmentJitterMs,
        };
        return new PartitionSettings(
            log,
            t.MaxMessageBytes,
            t.MessageTimestampType == MessageTimestampType.LogAppendTime,
            t.MessageTimestampBeforeMaxMs,
            t.MessageTimestampAfterMaxMs,
            t.HasCompactPolicy,
            t.MinInsyncReplicas,
            t.LeaderThrottledReplicas,
            t.FollowerThrottledReplicas)
        {
            ThrottleAddingReplicas = broker.BalancerEnable,
            StrictMinIsr = broker.EligibleLeaderReplicasEnable,
        };
    }
}
