using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

/// <summary>Appends to a local metadata log as its (single) leader, starting it first when the test has not.</summary>
internal static class LocalLog
{
    public static async Task<long> AppendAsync(MetadataLog log, IReadOnlyList<MetadataRecord> records, CancellationToken ct)
    {
        if (!log.Leader.IsKnown) await log.StartAsync(new MetadataLoader(new MetadataView()), ct);
        return await log.AppendAsync(MetadataLog.LocalEpoch, records, ct);
    }
}
