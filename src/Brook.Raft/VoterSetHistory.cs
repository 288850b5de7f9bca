namespace Brook.Raft;

/// <summary>
/// The voter sets a replica's log and snapshot hold, by the offset of the VotersRecord that set each (KIP-853's
/// VoterSetHistory). The current set is the latest, committed or not; truncating the log takes back the sets it
/// removes, so a replica always acts on the set its own log ends with. Below every entry is the bootstrap set
/// (controller.quorum.voters), which applies while the log holds no voters record.
/// </summary>
internal sealed class VoterSetHistory
{
    private readonly List<(long Offset, VoterSet Voters)> _entries = [];
    private readonly VoterSet _bootstrap;
    private VoterSet _base;

    public VoterSetHistory(VoterSet bootstrap)
    {
        _bootstrap = bootstrap;
        _base = bootstrap;
    }

    /// <summary>The set in force at the log end.</summary>
    public VoterSet Latest => _entries.Count > 0 ? _entries[^1].Voters : _base;

    /// <summary>Offset of the record that set <see cref="Latest"/>; -1 when it comes from the bootstrap or a snapshot.</summary>
    public long LatestOffset => _entries.Count > 0 ? _entries[^1].Offset : -1;

    /// <summary>True when the set before <see cref="Latest"/> (the one the latest record replaced) holds <paramref name="id"/>.</summary>
    public bool PreviousContains(int id) => _entries.Count > 0 && ValueBefore(_entries[^1].Offset).Contains(id);

    /// <summary>A voters record at <paramref name="offset"/> (above every earlier one).</summary>
    public void Add(long offset, VoterSet voters)
    {
        if (_entries.Count > 0 && offset <= _entries[^1].Offset)
            throw new InvalidOperationException($"voters record at {offset} does not follow the one at {_entries[^1].Offset}");
        _entries.Add((offset, voters));
    }

    /// <summary>The log lost every offset at or after <paramref name="offset"/>: so do the sets recorded there.</summary>
    public void TruncateTo(long offset) => _entries.RemoveAll(e => e.Offset >= offset);

    /// <summary>The set in force for the entries below <paramref name="endOffset"/> (what a snapshot ending there holds).</summary>
    public VoterSet ValueBefore(long endOffset)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Offset < endOffset) return _entries[i].Voters;
        }
        return _base;
    }

    /// <summary>Like <see cref="ValueBefore"/>, but null while the bootstrap set is in force (nothing for a snapshot to record).</summary>
    public VoterSet? RecordedBefore(long endOffset)
    {
        var voters = ValueBefore(endOffset);
        return ReferenceEquals(voters, _bootstrap) ? null : voters;
    }

    /// <summary>The log now starts at <paramref name="offset"/> (a snapshot): the set in force there becomes the base.</summary>
    public void CompactBefore(long offset)
    {
        _base = ValueBefore(offset);
        _entries.RemoveAll(e => e.Offset < offset);
    }

    /// <summary>Replaces everything by the set a snapshot carried (null: it carried none, the bootstrap set applies).</summary>
    public void Reset(VoterSet? fromSnapshot)
    {
        _entries.Clear();
        _base = fromSnapshot ?? _bootstrap;
    }
}
