using System.Text.Json;
using System.Text.Json.Serialization;

namespace Brook.WebConsole.Api;

/// <summary>Source-generated JSON metadata of the console API's request bodies (snake_case, web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CreateTopicBody))]
[JsonSerializable(typeof(AlterConfigsBody))]
[JsonSerializable(typeof(AddPartitionsBody))]
[JsonSerializable(typeof(ProduceRecordBody))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;

/// <summary>POST /api/topics.</summary>
internal sealed record CreateTopicBody(string? Name, int? Partitions, short? ReplicationFactor, Dictionary<string, string>? Configs);

/// <summary>POST /api/topics/{name}/configs.</summary>
internal sealed record AlterConfigsBody(Dictionary<string, string>? Set, List<string>? Delete);

/// <summary>POST /api/topics/{name}/partitions.</summary>
internal sealed record AddPartitionsBody(int? Total);

/// <summary>POST /api/topics/{name}/messages.</summary>
internal sealed record ProduceRecordBody(int? Partition, string? Key, string? Value, List<ProduceHeaderBody>? Headers);

/// <summary>One header of <see cref="ProduceRecordBody"/>.</summary>
internal sealed record ProduceHeaderBody(string? Key, string? Value);
