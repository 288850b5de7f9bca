using Brook.Metadata.Records;
using Brook.Raft;
using Microsoft.Extensions.Logging;

namespace Brook.Metadata;

/// <summary>
/// Upgrades a data directory written before the metadata log was a KRaft log: the single-node
/// <c>__cluster_metadata-0/metadata.log</c> (CRC-framed batches, <see cref="MetadataLog"/>) is imported once, batch by
/// batch and at the same offsets, into the record-batch log as epoch 0 history, then renamed so it is never read again.
/// A crash part-way leaves the old file in place and the new log is rebuilt from it on the next start.
/// </summary>
internal sealed class LegacyMetadataLogMigration
{
    private const string MigratedSuffix = ".migrated";

    private readonly string _path;
    private readonly IReadOnlyList<MetadataBatch> _batches;
    private readonly ILogger _logger;

    private LegacyMetadataLogMigration(string path, IReadOnlyList<MetadataBatch> batches, ILogger logger)
    {
        _path = path;
        _batches = batches;
        _logger = logger;
    }

    /// <summary>
    /// Reads the old log if there is one. The half-written new log of an interrupted earlier migration is removed here,
    /// before the new log is opened, so the import always starts from an empty log.
    /// </summary>
    public static LegacyMetadataLogMigration? Prepare(string logDir, ILogger logger)
    {
        var directory = Path.Combine(logDir, MetadataLog.DirectoryName);
        var path = Path.Combine(directory, MetadataLog.FileName);
        if (!File.Exists(path)) return null;
        IReadOnlyList<MetadataBatch> batches;
        using (var old = new MetadataLog(logDir))
            batches = old.ReadAll();
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            if (name == MetadataLog.FileName) continue;
            File.Delete(file);
        }
        logger.LogInformation("Upgrading the metadata log: importing {Batches} batches from {Path} into the KRaft log", batches.Count, path);
        return new LegacyMetadataLogMigration(path, batches, logger);
    }

    /// <summary>Writes the old batches into <paramref name="log"/> (empty), flushes, then retires the old file.</summary>
    public void ImportInto(IRaftLog log, TimeProvider time)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var batch in _batches)
        {
            // The old log starts at offset 0 and is dense; a gap would mean it was not ours to import.
            if (batch.BaseOffset != log.EndOffset)
                throw new InvalidDataException($"metadata log {_path} is not contiguous at offset {batch.BaseOffset} (expected {log.EndOffset})");
            RaftLogHistory.Import(log, batch.BaseOffset, epoch: 0, now, [.. batch.Records.Select(MetadataRecordSerde.Serialize)]);
        }
        log.Flush();
        File.Move(_path, _path + MigratedSuffix, overwrite: true);
        _logger.LogInformation("Metadata log upgraded: {Records} records imported; the old file is kept as {Path}",
            log.EndOffset, _path + MigratedSuffix);
    }
}
