using System.Text.Json.Serialization;

namespace Brook.Raft.Storage;

/// <summary>The JSON shape of quorum-state (field names as Kafka writes them).</summary>
internal sealed class QuorumStateDocument
{
    [JsonPropertyName("leaderId")] public int LeaderId { get; set; } = -1;
    [JsonPropertyName("leaderEpoch")] public int LeaderEpoch { get; set; }
    [JsonPropertyName("votedId")] public int VotedId { get; set; } = -1;
    [JsonPropertyName("data_version")] public int DataVersion { get; set; }
}

[JsonSerializable(typeof(QuorumStateDocument))]
internal sealed partial class QuorumStateJsonContext : JsonSerializerContext;
