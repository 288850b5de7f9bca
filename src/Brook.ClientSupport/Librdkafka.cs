using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Brook.ClientSupport;

/// <summary>
/// Pins Confluent.Kafka to the librdkafka build shipped in librdkafka.redist instead of whatever the OS offers.
/// </summary>
/// <remarks>
/// Why this exists: the package's default linux-x64 <c>librdkafka.so</c> links against libsasl2.so.3, which Debian
/// does not ship (it has libsasl2.so.2). When that load fails Confluent.Kafka walks a list of fallbacks that can end
/// in a system-wide librdkafka (Debian's 2.0.2 comes with kcat), so tests or benchmarks could silently exercise a different client
/// than the one we claim to support. We pick the bundled file ourselves, by absolute path, and check the version.
///
/// Two Confluent.Kafka 2.16 quirks shape the code: <c>Library.Load(path)</c> dlopens through <c>[DllImport("libdl")]</c>,
/// a name that only exists with libc6-dev installed, and afterwards still binds its P/Invokes by the bare name
/// "librdkafka" (which would find the broken default file again). A DllImport resolver for the Confluent assembly
/// answers both names: "libdl" with libdl.so.2 and every librdkafka flavour with the handle we chose.
/// </remarks>
public static class Librdkafka
{
    /// <summary>The librdkafka version the package pins; <see cref="Library.VersionString"/> must start with it.</summary>
    public const string ExpectedVersionPrefix = "2.16";

    // Order matters: the plain build first (it works where libsasl2.so.3 exists), then the CentOS 8 build whose
    // dependencies are only glibc-era basics present on every current glibc distribution.
    private static readonly string[] CandidateFileNames = ["librdkafka.so", "centos8-librdkafka.so"];

    private static readonly Lazy<string> Loaded = new(LoadOnce, LazyThreadSafetyMode.ExecutionAndPublication);
    private static IntPtr _chosenHandle;

    /// <summary>Absolute path of the native library that was loaded (after <see cref="EnsureLoaded"/>).</summary>
    public static string LoadedPath => Loaded.Value;

    /// <summary>Idempotent and thread-safe; call before creating any Confluent client .</summary>
    public static void EnsureLoaded() => _ = Loaded.Value;

    private static string LoadOnce()
    {
        if (Library.IsLoaded)
        {
            // A client was created before us; whatever got loaded must at least be the right version.
            AssertVersion("(loaded before EnsureLoaded was called)");
            return "(loaded implicitly)";
        }

        if (!OperatingSystem.IsLinux())
        {
            // Elsewhere Confluent's own resolution finds the bundled runtimes/<rid>/native library.
            Library.Load();
            AssertVersion("(default resolution)");
            return "(default resolution)";
        }

        var failures = new List<string>();
        string? chosenPath = null;
        foreach (var path in CandidatePaths())
        {
            if (!File.Exists(path))
            {
                failures.Add($"{path}: file not found");
                continue;
            }
            try
            {
                _chosenHandle = NativeLibrary.Load(path);
                chosenPath = path;
                break;
            }
            catch (DllNotFoundException ex)
            {
                failures.Add($"{path}: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }
        if (chosenPath is null)
        {
            throw new InvalidOperationException(
                $"Could not load the bundled librdkafka {ExpectedVersionPrefix}.x; refusing to fall back to a system copy.\n" +
                string.Join("\n", failures));
        }

        NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, ResolveForConfluent);
        Library.Load(chosenPath);
        AssertVersion(chosenPath);
        return chosenPath;
    }

    /// <summary>
    /// Where the bundled file can be: runtimes/&lt;rid&gt;/native under the application (a portable build, tests, the
    /// benchmark), the application directory itself (a RID-specific publish flattens native files there), and the
    /// directories the host searches for native libraries (a single-file <c>brook</c> extracts its native files to
    /// <c>$DOTNET_BUNDLE_EXTRACT_BASE_DIR</c> or <c>~/.net/brook/&lt;hash&gt;</c> and lists that directory there).
    /// </summary>
    private static IEnumerable<string> CandidatePaths()
    {
        var directories = new List<string> { Path.Combine(AppContext.BaseDirectory, "runtimes", LinuxRid(), "native"), AppContext.BaseDirectory };
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
        {
            foreach (var directory in searchDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!directories.Any(d => Path.GetFullPath(d).TrimEnd('/') == Path.GetFullPath(directory).TrimEnd('/'))) directories.Add(directory);
            }
        }
        foreach (var name in CandidateFileNames)
        {
            foreach (var directory in directories) yield return Path.Combine(directory, name);
        }
    }

    private static IntPtr ResolveForConfluent(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName == "libdl") return NativeLibrary.Load("libdl.so.2");
        if (libraryName.Contains("rdkafka", StringComparison.Ordinal)) return _chosenHandle;
        return IntPtr.Zero; // default probing for anything else
    }

    private static void AssertVersion(string source)
    {
        var version = Library.VersionString;
        if (!version.StartsWith(ExpectedVersionPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"librdkafka {version} was loaded from {source}, expected {ExpectedVersionPrefix}.x (the librdkafka.redist package version).");
        }
    }

    private static string LinuxRid() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.Arm64 => "linux-arm64",
        _ => "linux-x64",
    };
}
