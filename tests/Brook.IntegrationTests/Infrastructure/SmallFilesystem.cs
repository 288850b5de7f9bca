using System.Diagnostics;
using System.Globalization;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// A small file system of its own for disk-full tests: an ext4 image on a loop device (tmpfs of the same size where
/// loop devices are not available), mounted on a fresh directory. A log directory there fills up for real (ENOSPC)
/// without touching the machine's disk. Needs root; unmounted and deleted on dispose, always.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);
    private readonly string _root;
    private readonly string? _image;
    private bool _disposed;

    private SmallFilesystem(string root, string mountPoint, string? image, string kind)
    {
        _root = root;
        MountPoint = mountPoint;
        _image = image;
        Kind = kind;
    }

    /// <summary>Where the file system is mounted.</summary>
    public string MountPoint { get; }

    /// <summary>"ext4 on a loop device" or "tmpfs": what the test ran on, for its output.</summary>
    public string Kind { get; }

    /// <summary>Makes and mounts a file system of <paramref name="megabytes"/> MiB.</summary>
    public static SmallFilesystem Create(int megabytes)
    {
        var root = Path.Combine(Path.GetTempPath(), "brook-smallfs", Guid.NewGuid().ToString("N"));
        var mountPoint = Path.Combine(root, "mnt");
        Directory.CreateDirectory(mountPoint);
        var image = Path.Combine(root, "fs.img");
        var size = megabytes.ToString(CultureInfo.InvariantCulture);
        try
        {
            using (var file = File.Create(image)) file.SetLength((long)megabytes << 20);
            // No journal and no reserved blocks: every block is for data, so "full" comes when the data fills it.
            if (Run("mkfs.ext4", "-q", "-F", "-m", "0", "-O", "^has_journal", image).ExitCode == 0
                && Run("mount", "-o", "loop", image, mountPoint).ExitCode == 0)
                return new SmallFilesystem(root, mountPoint, image, "ext4 on a loop device");
            File.Delete(image);
            var tmpfs = Run("mount", "-t", "tmpfs", "-o", $"size={size}m", "tmpfs", mountPoint);
            if (tmpfs.ExitCode != 0) throw new InvalidOperationException($"cannot mount a small file system: {tmpfs.Output}");
            return new SmallFilesystem(root, mountPoint, null, "tmpfs");
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Lazy: a broker killed a moment ago may still hold files open; the mount goes once they close.
        Run("umount", "-l", MountPoint);
        try
        {
            if (_image is not null) File.Delete(_image);
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The lazily unmounted directory may linger for a moment; it is empty and under /tmp.
        }
    }

    private static (int ExitCode, string Output) Run(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ToolTimeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{tool} did not finish in {ToolTimeout.TotalSeconds:0} s");
            }
            return (process.ExitCode, output.Result + error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{tool}: {e.Message}");
        }
    }
}

/// <summary>A test that mounts a <see cref="SmallFilesystem"/>: skipped unless root, and never skipped in CI (like the namespace tests).</summary>
public sealed class SmallFilesystemFactAttribute : FactAttribute
{
    public SmallFilesystemFactAttribute()
    {
        if (!NetworkNamespace.IsRoot && !NetworkNamespace.Required)
            Skip = "needs root to mount a small file system (run as root; CI=true turns this skip into a failure)";
    }
}
