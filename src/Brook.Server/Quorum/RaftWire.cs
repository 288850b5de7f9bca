using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Records;
using Brook.Raft.Messages;
using Wire = Brook.Protocol.Messages;

namespace Brook.Server.Quorum;

/// <summary>
/// Maps the KRaft node's messages to Kafka's wire messages and back, field for field: Vote, BeginQuorumEpoch,
/// EndQuorumEpoch, Fetch (of <c>__cluster_metadata-0</c>, by its fixed topic id) and FetchSnapshot, each naming the one
/// metadata partition. A response error that concerns the whole request (a foreign cluster id) travels at the top
/// level, anything else at the partition, as Kafka's KafkaRaftClient does.
/// </summary>
public static class RaftWire
{
    /// <summary>The metadata topic's name in KRaft requests.</summary>
    public const string MetadataTopicName = "__cluster_metadata";

    /// <summary>Kafka's fixed topic id of the metadata topic ("AAAAAAAAAAAAAAAAAAAAAQ").</summary>
    public static readonly Uuid MetadataTopicId = new(0, 1);

    /// <summary>Versions this node sends: the newest of each that Brook's codecs write (all nodes run Brook).</summary>
    public const short VoteVersion = 2;
    public const short BeginQuorumEpochVersion = 1;
    public const short EndQuorumEpochVersion = 1;
    public const short FetchVersion = 17;
    public const short FetchSnapshotVersion = 1;

    // ---- outbound: node request → wire; wire response → node response -----------------------------------------

    /// <summary>Sends <paramref name="request"/> through <paramref name="send"/> in its wire form and maps the answer back.</summary>
    public static async Task<RaftResponse> ExchangeAsync(RaftRequest request, IWireSender send, TimeSpan timeout, CancellationToken ct)
    {
        switch (request)
        {
            case VoteRequest v:
            {
                var response = await send.SendAsync<Wire.VoteRequest, Wire.VoteResponse>(new Wire.VoteRequest
                {
                    ClusterId = v.ClusterId,
                    VoterId = v.VoterId,
                    Topics =
                    [
                        new() { TopicName = MetadataTopicName, Partitions = [new()
                        {
                            ReplicaEpoch = v.CandidateEpoch, ReplicaId = v.CandidateId, LastOffsetEpoch = v.LastOffsetEpoch,
                            LastOffset = v.LastOffset, PreVote = v.PreVote,
                        }] },
                    ],
                }, VoteVersion, timeout, ct).ConfigureAwait(false);
                var p = response.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
                return new VoteResponse
                {
                    RequestId = v.RequestId,
                    Error = Error(response.ErrorCode, p?.ErrorCode),
                    CurrentLeader = Leader(p?.LeaderId, p?.LeaderEpoch),
                    VoteGranted = p?.VoteGranted ?? false,
                };
            }
            case BeginQuorumEpochRequest b:
            {
                var response = await send.SendAsync<Wire.BeginQuorumEpochRequest, Wire.BeginQuorumEpochResponse>(new Wire.BeginQuorumEpochRequest
                {
                    ClusterId = b.ClusterId,
                    VoterId = b.VoterId,
                    Topics = [new() { TopicName = MetadataTopicName, Partitions = [new() { LeaderId = b.LeaderId, LeaderEpoch = b.LeaderEpoch }] }],
                }, BeginQuorumEpochVersion, timeout, ct).ConfigureAwait(false);
                var p = response.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
                return new BeginQuorumEpochResponse
                {
                    RequestId = b.RequestId,
                    Error = Error(response.ErrorCode, p?.ErrorCode),
                    CurrentLeader = Leader(p?.LeaderId, p?.LeaderEpoch),
                };
            }
            case EndQuorumEpochRequest e:
            {
                var response = await send.SendAsync<Wire.EndQuorumEpochRequest, Wire.EndQuorumEpochResponse>(new Wire.EndQuorumEpochRequest
                {
                    ClusterId = e.ClusterId,
                    Topics =
                    [
                        new() { TopicName = MetadataTopicName, Partitions = [new()
                        {
                            LeaderId = e.LeaderId, LeaderEpoch = e.LeaderEpoch,
                            PreferredCandidates = [.. e.PreferredSuccessors.Select(id => new Wire.EndQuorumEpochRequest.ReplicaInfo { CandidateId = id })],
                        }] },
                    ],
                }, EndQuorumEpochVersion, timeout, ct).ConfigureAwait(false);
                var p = response.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
                return new EndQuorumEpochResponse
                {
                    RequestId = e.RequestId,
                    Error = Error(response.ErrorCode, p?.ErrorCode),
                    CurrentLeader = Leader(p?.LeaderId, p?.LeaderEpoch),
                };
            }
            case FetchRequest f:
            {
                var response = await send.SendAsync<Wire.FetchRequest, Wire.FetchResponse>(new Wire.FetchRequest
                {
                    ClusterId = f.ClusterId,
                    ReplicaId = f.ReplicaId,
                    MaxWaitMs = f.MaxWaitMs,
                    MinBytes = 0,
                    MaxBytes = f.MaxBytes,
                    Topics =
                    [
                        new() { TopicId = MetadataTopicId, Topic = MetadataTopicName, Partitions = [new()
                        {
                            Partition = 0, CurrentLeaderEpoch = f.CurrentLeaderEpoch, FetchOffset = f.FetchOffset,
                            LastFetchedEpoch = f.LastFetchedEpoch, PartitionMaxBytes = f.MaxBytes,
                        }] },
                    ],
                }, FetchVersion, timeout, ct).ConfigureAwait(false);
                var p = response.Responses.SelectMany(t => t.Partitions).FirstOrDefault();
                return new FetchResponse
                {
                    RequestId = f.RequestId,
                    Error = Error(response.ErrorCode, p?.ErrorCode),
                    HighWatermark = p?.HighWatermark ?? -1,
                    LogStartOffset = p?.LogStartOffset ?? -1,
                    CurrentLeader = Leader(p?.CurrentLeader?.LeaderId, p?.CurrentLeader?.LeaderEpoch),
                    DivergingEpoch = p?.DivergingEpoch is { IsDefault: false } d ? new OffsetAndEpoch(d.EndOffset, d.Epoch) : null,
                    SnapshotId = p?.SnapshotId is { IsDefault: false } s ? new OffsetAndEpoch(s.EndOffset, s.Epoch) : null,
                    Records = Bytes(p?.Records),
                };
            }
            case FetchSnapshotRequest s:
            {
                var response = await send.SendAsync<Wire.FetchSnapshotRequest, Wire.FetchSnapshotResponse>(new Wire.FetchSnapshotRequest
                {
                    ClusterId = s.ClusterId,
                    ReplicaId = s.ReplicaId,
                    MaxBytes = s.MaxBytes,
                    Topics =
                    [
                        new() { Name = MetadataTopicName, Partitions = [new()
                        {
                            Partition = 0, CurrentLeaderEpoch = s.CurrentLeaderEpoch, Position = s.Position,
                            SnapshotId = new() { EndOffset = s.SnapshotId.Offset, Epoch = s.SnapshotId.Epoch },
                        }] },
                    ],
                }, FetchSnapshotVersion, timeout, ct).ConfigureAwait(false);
                var p = response.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
                return new FetchSnapshotResponse
                {
                    RequestId = s.RequestId,
                    Error = Error(response.ErrorCode, p?.ErrorCode),
                    CurrentLeader = Leader(p?.CurrentLeader?.LeaderId, p?.CurrentLeader?.LeaderEpoch),
                    SnapshotId = p is null ? s.SnapshotId : new OffsetAndEpoch(p.SnapshotId.EndOffset, p.SnapshotId.Epoch),
                    Size = p?.Size ?? 0,
                    Position = p?.Position ?? s.Position,
                    UnalignedRecords = Bytes(p?.UnalignedRecords),
                };
            }
            default:
                throw new ArgumentException($"not a quorum request: {request.GetType().Name}", nameof(request));
        }
    }

    /// <summary>The answer the node gets when its request could not be exchanged at all (the peer is down or timed out).</summary>
    public static RaftResponse Unreachable(RaftRequest request, ErrorCode error = ErrorCode.BrokerNotAvailable)
    {
        var none = new LeaderAndEpoch(LeaderAndEpoch.NoLeader, 0);
        return request switch
        {
            VoteRequest v => new VoteResponse { RequestId = v.RequestId, Error = error, CurrentLeader = none, VoteGranted = false },
            BeginQuorumEpochRequest b => new BeginQuorumEpochResponse { RequestId = b.RequestId, Error = error, CurrentLeader = none },
            EndQuorumEpochRequest e => new EndQuorumEpochResponse { RequestId = e.RequestId, Error = error, CurrentLeader = none },
            FetchRequest f => new FetchResponse
            {
                RequestId = f.RequestId, Error = error, HighWatermark = -1, LogStartOffset = -1, CurrentLeader = none, Records = ReadOnlyMemory<byte>.Empty,
            },
            FetchSnapshotRequest s => new FetchSnapshotResponse
            {
                RequestId = s.RequestId, Error = error, CurrentLeader = none, SnapshotId = s.SnapshotId, Size = 0, Position = s.Position,
                UnalignedRecords = ReadOnlyMemory<byte>.Empty,
            },
            _ => throw new ArgumentException($"not a quorum request: {request.GetType().Name}", nameof(request)),
        };
    }

    // ---- inbound: wire request → node request (the sender's id); node response → wire response -----------------

    /// <summary>The node's form of an inbound Vote, with the id of the candidate that sent it.</summary>
    public static (int From, RaftRequest Request)? FromWire(Wire.VoteRequest request, long requestId)
    {
        var p = request.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
        if (p is null) return null;
        return (p.ReplicaId, new VoteRequest
        {
            RequestId = requestId, ClusterId = request.ClusterId ?? "", CandidateEpoch = p.ReplicaEpoch, CandidateId = p.ReplicaId,
            VoterId = request.VoterId, LastOffsetEpoch = p.LastOffsetEpoch, LastOffset = p.LastOffset, PreVote = p.PreVote,
        });
    }

    public static (int From, RaftRequest Request)? FromWire(Wire.BeginQuorumEpochRequest request, long requestId)
    {
        var p = request.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
        if (p is null) return null;
        return (p.LeaderId, new BeginQuorumEpochRequest
        {
            RequestId = requestId, ClusterId = request.ClusterId ?? "", LeaderEpoch = p.LeaderEpoch, LeaderId = p.LeaderId, VoterId = request.VoterId,
        });
    }

    public static (int From, RaftRequest Request)? FromWire(Wire.EndQuorumEpochRequest request, long requestId)
    {
        var p = request.Topics.SelectMany(t => t.Partitions).FirstOrDefault();
        if (p is null) return null;
        return (p.LeaderId, new EndQuorumEpochRequest
        {
            RequestId = requestId, ClusterId = request.ClusterId ?? "", LeaderEpoch = p.LeaderEpoch, LeaderId = p.LeaderId,
            PreferredSuccessors = [.. p.PreferredCandidates.Select(c => c.CandidateId)],
        });
    }

    /// <summary>An inbound Fetch of the metadata partition (by id, or by name for versions before topic ids).</summary>
    public static (int From, RaftRequest Request)? FromWire(Wire.FetchRequest request, long requestId)
    {
        var topic = request.Topics.FirstOrDefault(t => t.TopicId == MetadataTopicId || t.Topic == MetadataTopicName);
        var p = topic?.Partitions.FirstOrDefault(x => x.Partition == 0);
        if (p is null) return null;
        return (request.ReplicaId, new FetchRequest
        {
            RequestId = requestId, ClusterId = request.ClusterId ?? "", ReplicaId = request.ReplicaId, CurrentLeaderEpoch = p.CurrentLeaderEpoch,
            FetchOffset = p.FetchOffset, LastFetchedEpoch = p.LastFetchedEpoch, MaxWaitMs = request.MaxWaitMs,
            MaxBytes = Math.Min(request.MaxBytes, p.PartitionMaxBytes <= 0 ? int.MaxValue : p.PartitionMaxBytes),
        });
    }

    public static (int From, RaftRequest Request)? FromWire(Wire.FetchSnapshotRequest request, long requestId)
    {
        var p = request.Topics.SelectMany(t => t.Partitions).FirstOrDefault(x => x.Partition == 0);
        if (p is null) return null;
        return (request.ReplicaId, new FetchSnapshotRequest
        {
            RequestId = requestId, ClusterId = request.ClusterId ?? "", ReplicaId = request.ReplicaId, CurrentLeaderEpoch = p.CurrentLeaderEpoch,
            SnapshotId = new OffsetAndEpoch(p.SnapshotId.EndOffset, p.SnapshotId.Epoch), Position = p.Position, MaxBytes = request.MaxBytes,
        });
    }

    public static Wire.VoteResponse ToWire(VoteResponse r)
    {
        var (top, partition) = Split(r.Error);
        return new Wire.VoteResponse
        {
            ErrorCode = top,
            Topics = [new() { TopicName = MetadataTopicName, Partitions = [new()
            {
                ErrorCode = partition, LeaderId = r.CurrentLeader.LeaderId, LeaderEpoch = r.CurrentLeader.Epoch, VoteGranted = r.VoteGranted,
            }] }],
        };
    }

    public static Wire.BeginQuorumEpochResponse ToWire(BeginQuorumEpochResponse r)
    {
        var (top, partition) = Split(r.Error);
        return new Wire.BeginQuorumEpochResponse
        {
            ErrorCode = top,
            Topics = [new() { TopicName = MetadataTopicName, Partitions = [new()
                { ErrorCode = partition, LeaderId = r.CurrentLeader.LeaderId, LeaderEpoch = r.CurrentLeader.Epoch }] }],
        };
    }

    public static Wire.EndQuorumEpochResponse ToWire(EndQuorumEpochResponse r)
    {
        var (top, partition) = Split(r.Error);
        return new Wire.EndQuorumEpochResponse
        {
            ErrorCode = top,
            Topics = [new() { TopicName = MetadataTopicName, Partitions = [new()
                { ErrorCode = partition, LeaderId = r.CurrentLeader.LeaderId, LeaderEpoch = r.CurrentLeader.Epoch }] }],
        };
    }

    public static Wire.FetchResponse ToWire(FetchResponse r)
    {
        var (top, partition) = Split(r.Error);
        return new Wire.FetchResponse
        {
            ErrorCode = top,
            Responses = [new() { TopicId = MetadataTopicId, Topic = MetadataTopicName, Partitions = [new()
            {
                PartitionIndex = 0,
                ErrorCode = partition,
                HighWatermark = r.HighWatermark,
                LogStartOffset = r.LogStartOffset,
                CurrentLeader = new Wire.LeaderIdAndEpoch { LeaderId = r.CurrentLeader.LeaderId, LeaderEpoch = r.CurrentLeader.Epoch },
                DivergingEpoch = r.DivergingEpoch is { } d ? new Wire.FetchResponse.EpochEndOffset { Epoch = d.Epoch, EndOffset = d.Offset } : null,
                SnapshotId = r.SnapshotId is { } s ? new Wire.SnapshotId { EndOffset = s.Offset, Epoch = s.Epoch } : null,
                AbortedTransactions = null,
                Records = new MemoryRecordSet(r.Records),
            }] }],
        };
    }

    public static Wire.FetchSnapshotResponse ToWire(FetchSnapshotResponse r)
    {
        var (top, partition) = Split(r.Error);
        return new Wire.FetchSnapshotResponse
        {
            ErrorCode = top,
            Topics = [new() { Name = MetadataTopicName, Partitions = [new()
            {
                Index = 0,
                ErrorCode = partition,
                SnapshotId = new Wire.SnapshotId { EndOffset = r.SnapshotId.Offset, Epoch = r.SnapshotId.Epoch },
                CurrentLeader = new Wire.LeaderIdAndEpoch { LeaderId = r.CurrentLeader.LeaderId, LeaderEpoch = r.CurrentLeader.Epoch },
                Size = r.Size,
                Position = r.Position,
                UnalignedRecords = new MemoryRecordSet(r.UnalignedRecords),
            }] }],
        };
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>Errors about the request as a whole go at the top level; the rest at the metadata partition.</summary>
    private static (short Top, short Partition) Split(ErrorCode error) =>
        error is ErrorCode.InconsistentClusterId or ErrorCode.ClusterAuthorizationFailed or ErrorCode.InvalidRequest
            ? ((short)error, (short)ErrorCode.None)
            : ((short)ErrorCode.None, (short)error);

    private static ErrorCode Error(short top, short? partition) =>
        top != 0 ? (ErrorCode)top : partition is { } p ? (ErrorCode)p : ErrorCode.UnknownServerError;

    private static LeaderAndEpoch Leader(int? id, int? epoch) =>
        new(id is { } i && i >= 0 ? i : LeaderAndEpoch.NoLeader, epoch is { } e && e >= 0 ? e : 0);

    private static ReadOnlyMemory<byte> Bytes(RecordSet? records) => records?.ToMemory() ?? ReadOnlyMemory<byte>.Empty;
}

/// <summary>One request/response exchange with a peer (the internal client's pool, bound to one node).</summary>
public interface IWireSender
{
    Task<TResponse> SendAsync<TRequest, TResponse>(TRequest request, short version, TimeSpan timeout, CancellationToken ct)
        where TRequest : IRequestMessage
        where TResponse : IMessage, new();
}
