using System.Text;
using Brook.Common;
using Brook.Protocol.Records;

namespace Brook.Storage.Tests;

/// <summary>Batches of idempotent/transactional producers with consecutive sequences per producer id, and their markers.</summary>
internal sealed class TransactionalBatches
{
    private readonly Dictionary<long, int> _sequences = [];

    private int NextSequence(long pid, int count)
    {
        var sequence = _sequences.GetValueOrDefault(pid);
        _sequences[pid] = sequence + count;
        return sequence;
    }

    /// <summary>Forgets the last <paramref name="count"/> sequences of <paramref name="pid"/> (their batch was rejected).</summary>
    public void Rewind(long pid, int count) => _sequences[pid] -= count;

    /// <summary>Restarts the producer's sequences at 0 (a new epoch).</summary>
    public void Reset(long pid) => _sequences[pid] = 0;

    /// <summary><paramref name="count"/> keyless records.</summary>
    public byte[] Batch(long pid, int count = 2, short epoch = 0, bool transactional = true) =>
        TestBatches.Build(count, producerId: pid, producerEpoch: epoch, baseSequence: NextSequence(pid, count),
            attributes: transactional ? RecordBatchHeader.TransactionalBit : (short)0);

    /// <summary>Keyed records (for compacted logs), transactional.</summary>
    public byte[] Keyed(long pid, long timestamp, params (string Key, string? Value)[] records)
    {
        using var builder = new RecordBatchBuilder
        {
            ProducerId = pid,
            ProducerEpoch = 0,
            BaseSequence = NextSequence(pid, records.Length),
            IsTransactional = true,
        };
        foreach (var (key, value) in records)
            builder.Add(timestamp, Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value));
        return builder.Build();
    }

    public static AppendResult Marker(PartitionLog log, long pid, bool commit, short epoch = 0, int coordinatorEpoch = 0) =>
        log.AppendTransactionMarker(pid, epoch, coordinatorEpoch, commit, leaderEpoch: 3, timestampMs: 5_000);

    public static AppendResult MarkerOk(PartitionLog log, long pid, bool commit, short epoch = 0, int coordinatorEpoch = 0)
    {
        var result = Marker(log, pid, commit, epoch, coordinatorEpoch);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(result.FirstOffset, result.LastOffset);
        return result;
    }
}
