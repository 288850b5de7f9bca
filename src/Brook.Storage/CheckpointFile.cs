using System.Buffers.Binary;
using Brook.Protocol.Records;
using Brook.Storage.IO;
using Microsoft.Extensions.Logging;

namespace Brook.Storage;

/// <summary>
/// The small checkpoint files of a partition directory (recovery point, log start offset, cleaner position): a few
/// int64 values followed by a CRC-32C of them, big-endian, written atomically.
/// </summary>
internal static class CheckpointFile
{
    public static void Write(ILogFileSystem fs, string directory, string fileName, params ReadOnlySpan<long> values)
    {
        Span<byte> bytes = stackalloc byte[values.Length * 8 + 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64BigEndian(bytes[(i * 8)..], values[i]);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[^4..], Crc32C.Compute(bytes[..^4]));
        DurableFile.WriteAtomically(fs, directory, fileName, bytes);
    }

    /// <summary>
    /// A one-value checkpoint, or null when it is missing or corrupt; a corrupt one is logged as "{what} of {directory}
    /// is corrupt; {fallback}".
    /// </summary>
    public static long? ReadSingle(ILogFileSystem fs, string directory, string fileName, ILogger logger, string what, string fallback)
    {
        var values = Read(fs, directory, fileName, 1, out var corrupt);
        if (corrupt) logger.LogWarning("{What} of {Directory} is corrupt; {Fallback}", what, directory, fallback);
        return values?[0];
    }

    /// <summary>The <paramref name="count"/> values, or null when the file is missing; <paramref name="corrupt"/> when it does not check out.</summary>
    public static long[]? Read(ILogFileSystem fs, string directory, string fileName, int count, out bool corrupt)
    {
        corrupt = false;
        var bytes = DurableFile.ReadAll(fs, Path.Combine(directory, fileName));
        if (bytes is null) return null;
        if (bytes.Length != count * 8 + 4 || BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(count * 8)) != Crc32C.Compute(bytes.AsSpan(0, count * 8)))
        {
            corrupt = true;
            return null;
        }
        var values = new long[count];
        for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(i * 8));
        return values;
    }
}
