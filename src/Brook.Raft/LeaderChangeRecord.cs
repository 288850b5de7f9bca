using System.Buffers.Binary;
using Brook.Protocol.Records;

namespace Brook.Raft;

/// <summary>
/// The LeaderChange control record a new leader writes first in its epoch (KIP-595): who leads, the voters, and who
/// granted the vote. The value follows Kafka's LeaderChangeMessage v0 (flexible): Version int16, LeaderId int32,
/// Voters and GrantingVoters as compact arrays of {VoterId int32, tagged fields}, then tagged fields. This is the one
/// place that knows the encoding, so the Brook.Protocol codec being written elsewhere can replace it.
/// </summary>
public sealed record LeaderChangeRecord(int LeaderId, IReadOnlyList<int> Voters, IReadOnlyList<int> GrantingVoters)
{
    public const short CurrentVersion = 0;

    /// <summary>The record's key: control key version 0, type LeaderChange.</summary>
    public static byte[] Key()
    {
        var key = new byte[ControlRecord.KeySize];
        ControlRecord.WriteKey(key, (ControlRecordType)KRaftControlRecordType.LeaderChange);
        return key;
    }

    public byte[] EncodeValue()
    {
        var size = 2 + 4 + ArraySize(Voters) + ArraySize(GrantingVoters) + 1;
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span, CurrentVersion);
        BinaryPrimitives.WriteInt32BigEndian(span[2..], LeaderId);
        var p = 6;
        p += WriteArray(span[p..], Voters);
        p += WriteArray(span[p..], GrantingVoters);
        span[p] = 0; // no tagged fields
        return bytes;
    }

    /// <summary>Decodes a value written by <see cref="EncodeValue"/>; null when malformed. Tagged fields are skipped.</summary>
    public static LeaderChangeRecord? TryDecodeValue(ReadOnlySpan<byte> value)
    {
        if (value.Length < 6 || BinaryPrimitives.ReadInt16BigEndian(value) < 0) return null;
        var leader = BinaryPrimitives.ReadInt32BigEndian(value[2..]);
        var p = 6;
        var voters = ReadArray(value, ref p);
        var granting = voters is null ? null : ReadArray(value, ref p);
        return granting is null ? null : new LeaderChangeRecord(leader, voters!, granting);
    }

    private static int ArraySize(IReadOnlyList<int> ids) => UnsignedVarintSize((uint)ids.Count + 1) + ids.Count * 5;

    private static int WriteArray(Span<byte> destination, IReadOnlyList<int> ids)
    {
        var p = WriteUnsignedVarint(destination, (uint)ids.Count + 1);
        foreach (var id in ids)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination[p..], id);
            destination[p + 4] = 0; // the Voter struct's tagged fields
            p += 5;
        }
        return p;
    }

    private static List<int>? ReadArray(ReadOnlySpan<byte> value, ref int p)
    {
        if (!TryReadUnsignedVarint(value, ref p, out var n) || n == 0) return null;
        var ids = new List<int>((int)Math.Min(n - 1, 1024));
        for (var i = 0; i < n - 1; i++)
        {
            if (value.Length - p < 5) return null;
            ids.Add(BinaryPrimitives.ReadInt32BigEndian(value[p..]));
            p += 4;
            if (!SkipTaggedFields(value, ref p)) return null;
        }
        return ids;
    }

    private static bool SkipTaggedFields(ReadOnlySpan<byte> value, ref int p)
    {
        if (!TryReadUnsignedVarint(value, ref p, out var count)) return false;
        for (var i = 0; i < count; i++)
        {
            if (!TryReadUnsignedVarint(value, ref p, out _) || !TryReadUnsignedVarint(value, ref p, out var size) || size > value.Length - p) return false;
            p += (int)size;
        }
        return true;
    }

    private static int UnsignedVarintSize(uint v)
    {
        var n = 1;
        while (v >= 0x80) { v >>= 7; n++; }
        return n;
    }

    private static int WriteUnsignedVarint(Span<byte> destination, uint v)
    {
        var p = 0;
        while (v >= 0x80)
        {
            destination[p++] = (byte)(v | 0x80);
            v >>= 7;
        }
        destination[p++] = (byte)v;
        return p;
    }

    private static bool TryReadUnsignedVarint(ReadOnlySpan<byte> value, ref int p, out uint result)
    {
        result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (p >= value.Length) return false;
            var b = value[p++];
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }
}
