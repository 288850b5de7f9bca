using System.Diagnostics;

namespace Brook.Bench;

/// <summary>
/// For --disk-baseline: the disk's own durable sequential write rate, `dd if=/dev/zero bs=1M conv=fdatasync`, in the
/// directory the broker writes to, so an fsync'd produce figure can be read against what the disk does without Brook
/// in the same run (this host's disk varies several-fold from run to run).
/// </summary>
internal static class DiskBaseline
{
    /// <summary>Writes <paramref name="mebibytes"/> MiB with dd in <paramref name="directory"/>, prints and returns MB/s (MiB), or null if dd failed.</summary>
    public static double? Measure(string directory, int mebibytes = 1024)
    {
        var file = Path.Combine(directory, $"brook-dd-{Guid.NewGuid():N}");
        var psi = new ProcessStartInfo("dd") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["if=/dev/zero", $"of={file}", "bs=1M", $"count={mebibytes}", "conv=fdatasync"]) psi.ArgumentList.Add(a);
        try
        {
            var clock = Stopwatch.StartNew();
            using var dd = Process.Start(psi)!;
            var errors = dd.StandardError.ReadToEnd();
            dd.WaitForExit();
            clock.Stop();
            if (dd.ExitCode != 0)
            {
                Console.WriteLine($"  dd failed: {errors.Trim()}");
                return null;
            }
            var rate = mebibytes / clock.Elapsed.TotalSeconds;
            Console.WriteLine($"  disk baseline: dd bs=1M count={mebibytes} conv=fdatasync in {directory}: {rate:F1} MB/s ({clock.Elapsed.TotalSeconds:F2} s)");
            return rate;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
