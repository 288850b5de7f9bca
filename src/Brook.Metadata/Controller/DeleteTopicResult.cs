using Brook.Common;

namespace Brook.Metadata;

/// <summary>
/// The outcome for one entry of a DeleteTopics request. On success both the name and the id are filled in, whichever
/// the request used; on error they echo the request (a zero id when it named the topic).
/// </summary>
public sealed record DeleteTopicResult(string? Name, Uuid TopicId, ErrorCode ErrorCode, string? ErrorMessage);
