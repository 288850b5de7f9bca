using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Records;
using Brook.Protocol.Records.Control;

namespace Brook.Raft;

/// <summary>Builds the batches the node writes (data, LeaderChange, voters) and decodes log batches for the listener.</summary>
internal static class RaftBatches
{
    /// <summary>One uncompressed batch holding one record per value, at <paramref name="baseOffset"/> in <paramref name="epoch"/>.</summary>
    public static byte[] BuildData(long baseOffset, int epoch, long timestampMs, IReadOnlyList<byte[]> values)
    {
        using var builder = new RecordBatchBuilder { BaseOffset = baseOffset, PartitionLeaderEpoch = epoch };
        foreach (var value in values) builder.Add(timestampMs, key: null, value);
        return builder.Build();
    }

    /// <summary>The control batch with the epoch's LeaderChange record.</summary>
    public static byte[] BuildLeaderChange(long baseOffset, int epoch, long timestampMs, LeaderChangeRecord record)
    {
        using var builder = new RecordBatchBuilder { BaseOffset = baseOffset, PartitionLeaderEpoch = epoch, IsControl = true };
        builder.Add(timestampMs, LeaderChangeRecord.Key(), record.EncodeValue());
        return builder.Build();
    }

    /// <summary>The control batch with a KRaftVoters record: the whole new voter set (KIP-853).</summary>
    public static byte[] BuildVoters(long baseOffset, int epoch, long timestampMs, VoterSet voters)
    {
        var key = new byte[ControlRecord.KeySize];
        ControlRecord.WriteKey(key, ControlRecordType.KRaftVoters);
        using var builder = new RecordBatchBuilder { BaseOffset = baseOffset, PartitionLeaderEpoch = epoch, IsControl = true };
        builder.Add(timestampMs, key, KRaftControlRecords.EncodeValue(voters.ToRecord()));
        return builder.Build();
    }

    /// <summary>
    /// Every voters record in the control batches of <paramref name="set"/>, with its offset. A voters record that
    /// does not decode is skipped with <paramref name="onMalformed"/>: the batch passed its CRC, so only a newer
    /// schema can cause it, and guessing at a voter set would be worse.
    /// </summary>
    public static List<(long Offset, VoterSet Voters)> ReadVoters(ReadOnlySpan<byte> set, Action<long, string>? onMalformed = null)
    {
        List<(long, VoterSet)>? found = null;
        using var scratch = new PooledBufferWriter(256);
        foreach (var batch in new RecordSetBatches(set))
        {
            var header = new RecordBatchHeader(batch);
            if (!header.IsControl) continue;
            var offset = header.BaseOffset;
            foreach (var record in RecordReader.ForBatch(batch, scratch))
            {
                if (ControlRecord.TryReadType(record.Key, out var type) && type == ControlRecordType.KRaftVoters)
                {
                    try
                    {
                        (found ??= []).Add((offset, VoterSet.FromRecord(KRaftControlRecords.DecodeValue<VotersRecord>(record.Value))));
                    }
                    catch (Exception e) when (e is ProtocolException or ArgumentException)
                    {
                        onMalformed?.Invoke(offset, e.Message);
                    }
                }
                offset++;
            }
        }
        return found ?? [];
    }

    /// <summary>Decodes whole batches of <paramref name="set"/> whose last offset is below <paramref name="endExclusive"/>.</summary>
    public static List<CommittedBatch> Decode(ReadOnlySpan<byte> set, long endExclusive)
    {
        var result = new List<CommittedBatch>();
        using var scratch = new PooledBufferWriter(256);
        foreach (var batch in new RecordSetBatches(set))
        {
            var header = new RecordBatchHeader(batch);
            if (header.LastOffset >= endExclusive) break;
            var records = new List<byte[]>(header.RecordCount);
            foreach (var record in RecordReader.ForBatch(batch, scratch))
                records.Add(record.Value.ToArray());
            result.Add(new CommittedBatch(header.BaseOffset, header.LastOffset, header.PartitionLeaderEpoch, header.MaxTimestamp, header.IsControl, records));
        }
        return result;
    }
}
