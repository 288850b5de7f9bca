using System.Runtime.InteropServices;

namespace Brook.Storage.Tests;

/// <summary>
/// Linux's cachestat(2) (6.5+): how many pages of a file are in the page cache, dirty, and under write-back — what
/// the write-back tests measure. <see cref="Of"/> returns null where the kernel has no such call.
/// </summary>
internal static class PageCacheStat
{
    private const long CachestatSyscall = 451; // the same number on x86-64 and arm64 (the generic syscall table)

    public readonly record struct Pages(ulong Cached, ulong Dirty, ulong Writeback);

    public static Pages? Of(string path)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64)) return null;
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var range = new Range { Offset = 0, Length = 0 }; // length 0: to the end of the file
        if (Syscall(CachestatSyscall, (int)handle.DangerousGetHandle(), ref range, out var stat, 0) != 0) return null;
        return new Pages(stat.Cache, stat.Dirty, stat.Writeback);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Range
    {
        public ulong Offset;
        public ulong Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Stat
    {
        public ulong Cache;
        public ulong Dirty;
        public ulong Writeback;
        public ulong Evicted;
        public ulong RecentlyEvicted;
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Syscall(long number, int fd, ref Range range, out Stat stat, uint flags);
}
