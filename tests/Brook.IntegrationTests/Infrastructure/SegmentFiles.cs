using System.Buffers.Binary;
using System.Globalization;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// Reads Kafka-format log segments on disk: &lt;log.dirs&gt;/&lt;topic&gt;-&lt;partition&gt;/&lt;20-digit base offset&gt;.log,
/// each a plain concatenation of v2 record batches (baseOffset int64, batchLength int32, then batchLength bytes).
/// </summary>
public static class SegmentFiles
{
    /// <summary>Where one batch sits inside a segment file.</summary>
    public readonly record struct BatchLocation(long FilePosition, long BaseOffset, int TotalSize, int LastOffsetDelta)
    {
        public long EndPosition => FilePosition + TotalSize;

        public long LastOffset => BaseOffset + LastOffsetDelta;
    }

    /// <summary>The partition's directory under the broker's data directory.</summary>
    public static string PartitionDirectory(string dataDirectory, string topic, int partition) =>
        Path.Combine(dataDirectory, $"{topic}-{partition}");

    /// <summary>The segment with the highest base offset, i.e. the active one; throws if there is none.</summary>
    public static string ActiveSegment(string dataDirectory, string topic, int partition)
    {
        var dir = PartitionDirectory(dataDirectory, topic, partition);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"partition directory {dir} does not exist");
        var segments = Directory.GetFiles(dir, "*.log")
            .Select(path => (path, name: Path.GetFileNameWithoutExtension(path)))
            .Where(s => s.name.Length > 0 && s.name.All(char.IsAsciiDigit))
            .OrderBy(s => long.Parse(s.name, CultureInfo.InvariantCulture))
            .ToList();
        if (segments.Count == 0)
        {
            throw new FileNotFoundException($"no <base offset>.log segment in {dir}; files: {string.Join(", ", Directory.GetFiles(dir).Select(Path.GetFileName))}");
        }
        return segments[^1].path;
    }

    /// <summary>
    /// Walks the batches of a segment. Stops at the first incomplete batch or at zero padding (a preallocated tail),
    /// and reports how many bytes after the last whole batch were left unparsed.
    /// </summary>
    public static (List<BatchLocation> Batches, long TrailingBytes) ReadBatches(string segmentPath)
    {
        var bytes = File.ReadAllBytes(segmentPath);
        var batches = new List<BatchLocation>();
        long pos = 0;
        while (pos + 61 <= bytes.Length)
        {
            var span = bytes.AsSpan((int)pos);
            var baseOffset = BinaryPrimitives.ReadInt64BigEndian(span);
            var batchLength = BinaryPrimitives.ReadInt32BigEndian(span[8..]);
            var magic = span[16];
            if (batchLength <= 0 || magic != 2) break;
            var total = 12 + batchLength;
            if (pos + total > bytes.Length) break;
            var lastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(span[23..]);
            batches.Add(new BatchLocation(pos, baseOffset, total, lastOffsetDelta));
            pos += total;
        }
        return (batches, bytes.Length - pos);
    }
}
