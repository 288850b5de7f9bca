using System.Text;
using Brook.Protocol.Records;
using Brook.Raft.Messages;

namespace Brook.Raft.Tests;

/// <summary>The control records and snapshot layout the node writes.</summary>
public sealed class FormatTests
{
    [Fact]
    public void Leader_change_record_round_trips_in_kafkas_layout()
    {
        var record = new LeaderChangeRecord(2, [1, 2, 3], [2, 3]);
        var value = record.EncodeValue();
        // Version 0, leader 2, voters as a compact array (length+1 = 4) of {id, no tags}, granting likewise, no tags.
        Assert.Equal([0, 0, 0, 0, 0, 2, 4, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0], value);
        var decoded = LeaderChangeRecord.TryDecodeValue(value)!;
        Assert.Equal(2, decoded.LeaderId);
        Assert.Equal([1, 2, 3], decoded.Voters);
        Assert.Equal([2, 3], decoded.GrantingVoters);
        Assert.Null(LeaderChangeRecord.TryDecodeValue(value.AsSpan(0, 8)));

        var batch = RaftBatches.BuildLeaderChange(40, 7, 123, record);
        var header = new RecordBatchHeader(batch);
        Assert.True(header.IsControl);
        Assert.Equal((40L, 7), (header.BaseOffset, header.PartitionLeaderEpoch));
        var committed = RaftBatches.Decode(batch, long.MaxValue).Single();
        Assert.True(committed.IsControl);
        Assert.Equal(2, LeaderChangeRecord.TryDecodeValue(committed.Records[0])!.LeaderId);
    }

    [Fact]
    public void Snapshot_has_a_header_the_records_and_a_footer()
    {
        var id = new OffsetAndEpoch(120, 4);
        var records = Enumerable.Range(0, 2500).Select(i => Encoding.UTF8.GetBytes($"state {i}")).ToList();
        var bytes = SnapshotFormat.Write(id, 999, records);
        var batches = new List<(bool Control, int Epoch)>();
        foreach (var batch in new RecordSetBatches(bytes)) batches.Add((new RecordBatchHeader(batch).IsControl, new RecordBatchHeader(batch).PartitionLeaderEpoch));
        Assert.Equal([(true, 4), (false, 4), (false, 4), (false, 4), (true, 4)], batches);

        var read = SnapshotFormat.TryRead(id, bytes)!;
        Assert.Equal(999, read.LastContainedLogTimestampMs);
        Assert.Equal(records.Select(Encoding.UTF8.GetString), read.Records.Select(Encoding.UTF8.GetString));
        Assert.Null(SnapshotFormat.TryRead(id, bytes.AsSpan(0, bytes.Length - 10)));
        var corrupt = (byte[])bytes.Clone();
        corrupt[100] ^= 1;
        Assert.Null(SnapshotFormat.TryRead(id, corrupt));
    }

    [Fact]
    public void Voters_records_round_trip_in_the_log_and_in_snapshots()
    {
        var voters = new VoterSet([
            new RaftVoter(1, Brook.Common.Uuid.Zero, [new RaftEndpoint("CONTROLLER", "127.0.0.1", 9093)]),
            new RaftVoter(4, new Brook.Common.Uuid(4, 2), [new RaftEndpoint("CONTROLLER", "127.0.0.4", 9093), new RaftEndpoint("CONTROLLER2", "h4", 9094)]),
        ]);
        var batch = RaftBatches.BuildVoters(17, 3, 5, voters);
        Assert.True(new RecordBatchHeader(batch).IsControl);
        var (offset, read) = RaftBatches.ReadVoters(batch).Single();
        Assert.Equal(17, offset);
        Assert.Equal([1, 4], read.Ids);
        Assert.Equal(voters.Find(4), read.Find(4));

        // A snapshot taken after a change carries the set (with a kraft.version record) between its header and the data.
        var id = new OffsetAndEpoch(40, 3);
        var bytes = SnapshotFormat.Write(id, 9, [Encoding.UTF8.GetBytes("state")], voters);
        var snapshot = SnapshotFormat.TryRead(id, bytes)!;
        Assert.Equal(voters.Find(1), snapshot.Voters!.Find(1));
        Assert.Equal(voters.Find(4), snapshot.Voters.Find(4));
        Assert.Equal("state", Encoding.UTF8.GetString(snapshot.Records.Single()));
        Assert.Null(SnapshotFormat.TryRead(id, SnapshotFormat.Write(id, 9, []))!.Voters);
    }
}
