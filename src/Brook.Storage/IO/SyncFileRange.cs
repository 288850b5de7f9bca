using System.Runtime.InteropServices;

namespace Brook.Storage.IO;

/// <summary>
/// Linux's <c>sync_file_range(2)</c>, which .NET has no API for: it starts (and optionally waits for) the write-back of
/// one byte range of a file without the journal commit and device cache flush an fsync costs. It makes nothing
/// durable; it only keeps the kernel from letting dirty pages pile up. Elsewhere it is unavailable and a no-op.
/// </summary>
internal static partial class SyncFileRange
{
    /// <summary>Wait for write-back already under way on the range to finish before doing anything else.</summary>
    public const uint WaitBefore = 1;

    /// <summary>Start write-back of the range's dirty pages that are not being written yet.</summary>
    public const uint Write = 2;

    /// <summary>Wait for the range's write-back to finish.</summary>
    public const uint WaitAfter = 4;

    private static int _unavailable = OperatingSystem.IsLinux() ? 0 : 1;

    /// <summary>Whether calls reach the kernel: false off Linux, or once libc lacked the function.</summary>
    public static bool IsAvailable => Volatile.Read(ref _unavailable) == 0;

    /// <summary>Runs <c>sync_file_range(fd, offset, length, flags)</c>; returns 0 or the errno (and 0 when unavailable).</summary>
    public static int Run(int fd, long offset, long length, uint flags)
    {
        if (!IsAvailable) return 0;
        try
        {
            return Native(fd, offset, length, flags) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, 1);
            return 0;
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int Native(int fd, long offset, long nbytes, uint flags);
}
