using System.Runtime.InteropServices;

namespace Brook.Storage.IO;

/// <summary>
/// fsync of a directory, which .NET has no API for: on POSIX a new, renamed or deleted file name is only durable once
/// its directory is synced. Windows journals metadata itself, so there it is a no-op.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY on Linux and macOS

    public static bool TrySync(string directory)
    {
        if (OperatingSystem.IsWindows()) return true;
        int fd;
        try
        {
            fd = Open(directory, ReadOnly);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        if (fd < 0) return false;
        try
        {
            return FSync(fd) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
