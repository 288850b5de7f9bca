using System.Buffers.Binary;
using Brook.Common;
using Brook.Protocol;
using Brook.Protocol.Records;
using Brook.Protocol.Records.Control;
using Brook.Raft.Messages;

namespace Brook.Raft;

/// <summary>
/// A snapshot's bytes, as Kafka lays them out (KIP-630): record batches, the first a control batch with the
/// SnapshotHeader record (version int16, last contained log timestamp int64, tagged fields), then the state machine's
/// records in data batches, then a control batch with the SnapshotFooter record (version int16, tagged fields). A
/// quorum whose voters live in the log (KIP-853) also puts a KRaftVersion and a KRaftVoters record right after the
/// header, so a replica that installs the snapshot knows the voter set without the log it replaced. All
/// batches carry the snapshot's epoch; offsets count from 0 within the snapshot.
/// </summary>
public static class SnapshotFormat
{
    private const int RecordsPerBatch = 1000;

    public static byte[] Write(OffsetAndEpoch id, long lastContainedLogTimestampMs, IReadOnlyList<byte[]> records, VoterSet? voters = null)
    {
        using var output = new PooledBufferWriter(1024);
        long offset = 0;
        var header = new byte[2 + 8 + 1];
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(2), lastContainedLogTimestampMs);
        offset += WriteControl(output, offset, id.Epoch, lastContainedLogTimestampMs, KRaftControlRecordType.SnapshotHeader, header);
        if (voters is not null)
        {
            offset += WriteControl(output, offset, id.Epoch, lastContainedLogTimestampMs, (short)ControlRecordType.KRaftVersion,
                KRaftControlRecords.EncodeValue(new KRaftVersionRecord { KRaftVersion = 1 }));
            offset += WriteControl(output, offset, id.Epoch, lastContainedLogTimestampMs, (short)ControlRecordType.KRaftVoters,
                KRaftControlRecords.EncodeValue(voters.ToRecord()));
        }
        for (var i = 0; i < records.Count; i += RecordsPerBatch)
        {
            using var builder = new RecordBatchBuilder { BaseOffset = offset, PartitionLeaderEpoch = id.Epoch };
            for (var j = i; j < Math.Min(records.Count, i + RecordsPerBatch); j++) builder.Add(lastContainedLogTimestampMs, key: null, records[j]);
            offset += builder.RecordCount;
            builder.Build(output);
        }
        WriteControl(output, offset, id.Epoch, lastContainedLogTimestampMs, KRaftControlRecordType.SnapshotFooter, new byte[3]);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Parses and checks a whole snapshot (CRCs, header first, footer last); null when it is not one.</summary>
    public static RaftSnapshot? TryRead(OffsetAndEpoch id, ReadOnlySpan<byte> bytes)
    {
        var records = new List<byte[]>();
        long timestamp = -1;
        var sawHeader = false;
        var sawFooter = false;
        VoterSet? voters = null;
        using var scratch = new PooledBufferWriter(256);
        var batches = new RecordSetBatches(bytes);
        try
        {
            while (batches.MoveNext())
            {
                var batch = batches.Current;
                var h = new RecordBatchHeader(batch);
                if (sawFooter || h.Crc != RecordBatchHeader.ComputeCrc(batch)) return null;
                foreach (var record in RecordReader.ForBatch(batch, scratch))
                {
                    if (h.IsControl)
                    {
                        if (!ControlRecord.TryReadType(record.Key, out var type)) return null;
                        if ((short)type == KRaftControlRecordType.SnapshotHeader && !sawHeader && record.Value.Length >= 10)
                        {
                            sawHeader = true;
                            timestamp = BinaryPrimitives.ReadInt64BigEndian(record.Value[2..]);
                        }
                        else if ((short)type == KRaftControlRecordType.SnapshotFooter && sawHeader) sawFooter = true;
                        else if (type == ControlRecordType.KRaftVersion && sawHeader && records.Count == 0) continue;
                        else if (type == ControlRecordType.KRaftVoters && sawHeader && records.Count == 0 && voters is null)
                            voters = VoterSet.FromRecord(KRaftControlRecords.DecodeValue<VotersRecord>(record.Value));
                        else return null;
                    }
                    else
                    {
                        if (!sawHeader) return null;
                        records.Add(record.Value.ToArray());
                    }
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or ProtocolException or ArgumentException)
        {
            return null;
        }
        return sawFooter && batches.RemainingBytes == 0 ? new RaftSnapshot(id, timestamp, records, voters) : null;
    }

    private static int WriteControl(PooledBufferWriter output, long offset, int epoch, long timestamp, short type, byte[] value)
    {
        var key = new byte[ControlRecord.KeySize];
        ControlRecord.WriteKey(key, (ControlRecordType)type);
        using var builder = new RecordBatchBuilder { BaseOffset = offset, PartitionLeaderEpoch = epoch, IsControl = true };
        builder.Add(timestamp, key, value);
        builder.Build(output);
        return 1;
    }
}
