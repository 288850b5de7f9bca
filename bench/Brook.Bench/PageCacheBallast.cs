using System.Globalization;

namespace Brook.Bench;

/// <summary>
/// For --fill-page-cache: tops a clean, fsynced ballast file up until the machine's free memory is down to a small
/// reserve, so the broker's new log pages come from reclaiming cached pages, as on any long-running broker whose page
/// cache is full. Why it matters on a VM with free page reporting (virtio-balloon; see
/// /sys/module/page_reporting/parameters): every free page goes back to the host, and the first write into one costs a
/// host fault, which shows up as the guest's copy into the page cache running at about 0.4-0.5 GB/s instead of
/// several GB/s. An RF=3 run on a fresh VM then spends about half of both cores there. The ballast stays between runs
/// (under the temp directory) and is only appended to; it is restarted when it has grown past twice the memory.
/// </summary>
internal static class PageCacheBallast
{
    private const long ReserveBytes = 1L << 30;
    private const int ChunkBytes = 1 << 20;

    public static string FilePath => Path.Combine(Path.GetTempPath(), "brook-bench-page-cache-ballast");

    /// <summary>Appends to the ballast until MemFree is about <see cref="ReserveBytes"/>; prints what it did.</summary>
    public static void Fill()
    {
        var (total, free) = ReadMemInfo();
        var missing = free - ReserveBytes;
        if (missing <= 0)
        {
            Console.WriteLine($"page cache already full: {free >> 20} MiB free of {total >> 20} MiB");
            return;
        }
        if (File.Exists(FilePath) && new FileInfo(FilePath).Length + missing > 2 * total)
        {
            // Deleting it frees what is still cached of it: measure again.
            File.Delete(FilePath);
            (total, free) = ReadMemInfo();
            missing = free - ReserveBytes;
        }
        Console.WriteLine($"filling the page cache: writing {missing >> 20} MiB to {FilePath} ({free >> 20} MiB free of {total >> 20} MiB) ...");
        var chunk = new byte[ChunkBytes];
        using (var file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0))
        {
            for (long written = 0; written < missing; written += ChunkBytes) file.Write(chunk);
            // Clean pages: reclaim can drop them without writing them back first.
            file.Flush(flushToDisk: true);
        }
        Console.WriteLine($"page cache filled: {ReadMemInfo().Free >> 20} MiB free");
    }

    private static (long Total, long Free) ReadMemInfo()
    {
        long total = 0, free = 0;
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = Kib(line);
            else if (line.StartsWith("MemFree:", StringComparison.Ordinal)) free = Kib(line);
        }
        return (total, free);

        static long Kib(string line) =>
            long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
