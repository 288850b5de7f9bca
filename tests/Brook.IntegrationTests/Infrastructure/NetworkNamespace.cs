using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Which packets <see cref="NetworkNamespace.Cut"/> drops.</summary>
public enum LinkDirection
{
    /// <summary>Both ways: a full partition between the two addresses.</summary>
    Both,

    /// <summary>
    /// Only packets from the first address to the second. New TCP connections then fail both ways (one side's SYN or
    /// SYN-ACK is lost); on a connection that is already open, data still flows from the second to the first.
    /// </summary>
    OneWay,
}

/// <summary>
/// A Linux network namespace for fault-injection tests: its own loopback, firewall and addresses, so the iptables rules
/// that cut nodes apart touch nothing else on the machine (other test runs share it). Removed on dispose, always.
/// </summary>
/// <remarks>
/// <para>How the test process, which stays in the root namespace, reaches what runs inside: a veth pair links the two.
/// Its root end has <see cref="RootAddress"/> (198.18.X.1, in RFC 2544's benchmarking range, which no real network
/// uses); its inside end carries <see cref="Hosts"/> (198.18.X.2, .3, ...), one per node. Nodes bind their host address
/// and are reached from the test process directly, with any in-process client (Confluent.Kafka included). Loopback
/// addresses cannot serve: 127.0.0.0/8 is local to every namespace's own lo and never routed over another link.</para>
/// <para>Traffic between two hosts stays inside the namespace (both addresses are local there), so a node must bind
/// its own address for outgoing connections too: otherwise the kernel gives them the link's primary address (the first
/// host's; 127.0.0.1 on lo) as the source, and a rule keyed on the source hits the wrong node. Rules go into the namespace's INPUT chain (OUTPUT for packets to the root
/// address), so clients in the test process can be cut off a node just like nodes from each other.</para>
/// <para>Sockets for test endpoints inside (listeners on a host or on 127.0.0.x, clients that must leave from one) are
/// made with <see cref="CreateSocket"/>; a child process runs inside through <see cref="Launcher"/> (ip netns exec,
/// which execs the command in place, so the process id is the command's).</para>
/// <para>Clean-up: dispose deletes the veth pair (synchronously; the kernel frees a namespace's devices lazily) and the
/// namespace. A test host that dies without disposing leaves an owner file naming its process id in
/// <c>/run/brook-netns</c>; the next <see cref="Create"/> removes namespaces whose owner is gone.</para>
/// </remarks>
public sealed partial class NetworkNamespace : IDisposable, IAsyncDisposable
{
    /// <summary>Every namespace this class makes is named brookit-&lt;X&gt;, X the third octet of its subnet.</summary>
    public const string NamePrefix = "brookit-";

    /// <summary>Set to 1 to make namespace tests fail instead of skip when they cannot run (.ci/run sets it).</summary>
    public const string RequireVariable = "BROOK_REQUIRE_NETNS";

    public const string InstallHint = "install with: apt-get install -y iptables iproute2 (scripts/test.sh does this when run as root)";

    private const string NetnsDirectory = "/run/netns";
    private const string OwnerDirectory = "/run/brook-netns";
    private const int CloneNewNet = 0x40000000;
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(15);
    private static readonly Lazy<string?> UnavailableReason = new(Probe);
    private static readonly HashSet<NetworkNamespace> Live = [];
    private static int _exitHookInstalled;

    private readonly object _rulesLock = new();
    private readonly List<(string Chain, IPAddress From, IPAddress To)> _rules = [];
    private readonly int _octet;
    private bool _disposed;

    private NetworkNamespace(int octet, int hosts)
    {
        _octet = octet;
        Name = NamePrefix + octet.ToString(CultureInfo.InvariantCulture);
        RootAddress = IPAddress.Parse($"198.18.{octet}.1");
        Hosts = [.. Enumerable.Range(2, hosts).Select(i => IPAddress.Parse($"198.18.{octet}.{i}"))];
    }

    /// <summary>The namespace's name for <c>ip netns</c>.</summary>
    public string Name { get; }

    /// <summary>The test process's address on the link into the namespace (the source of its connections to <see cref="Hosts"/>).</summary>
    public IPAddress RootAddress { get; }

    /// <summary>Addresses inside the namespace, reachable from the test process; one per node.</summary>
    public IReadOnlyList<IPAddress> Hosts { get; }

    /// <summary>The root end of the veth pair (its peer inside carries <see cref="Hosts"/>).</summary>
    public string RootLink => $"bkit{_octet}r";

    /// <summary>Prefix that runs a command inside: <c>ip netns exec &lt;name&gt;</c> (for <see cref="BrokerProcessOptions.Launcher"/>).</summary>
    public IReadOnlyList<string> Launcher => [ToolPath("ip")!, "netns", "exec", Name];

    /// <summary>The drop rules in force, as (from, to) pairs.</summary>
    public IReadOnlyList<(IPAddress From, IPAddress To)> Cuts
    {
        get
        {
            lock (_rulesLock) return [.. _rules.Select(r => (r.From, r.To))];
        }
    }

    /// <summary>True when this process runs as root (namespaces and iptables need it).</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;

    /// <summary>True when a namespace test must not be skipped: $CI is set (and not "false"/"0") or $BROOK_REQUIRE_NETNS=1.</summary>
    public static bool Required =>
        Environment.GetEnvironmentVariable(RequireVariable) == "1"
        || Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false" && ci != "0";

    /// <summary>Why namespaces cannot be made here (not Linux, not root, no ip or iptables, a kernel without them), or null.</summary>
    public static string? Unavailable => UnavailableReason.Value;

    /// <summary>
    /// Makes a namespace with lo up and <paramref name="hosts"/> addresses on a veth link to the root namespace.
    /// Throws <see cref="InvalidOperationException"/> naming what is missing when namespaces cannot be made here.
    /// </summary>
    public static NetworkNamespace Create(int hosts = 3)
    {
        if (hosts is < 1 or > 200) throw new ArgumentOutOfRangeException(nameof(hosts));
        if (Unavailable is { } reason) throw new InvalidOperationException($"network namespaces are not available: {reason}");
        RemoveStale();
        InstallExitHook();

        var inUse = Run("ip", "-4", "-o", "addr", "show").Output + Run("ip", "-4", "route", "show").Output;
        var candidates = Enumerable.Range(1, 254).Where(o => !inUse.Contains($"198.18.{o}.", StringComparison.Ordinal)).ToList();
        foreach (var octet in candidates.OrderBy(_ => Random.Shared.Next()).Take(20))
        {
            var ns = new NetworkNamespace(octet, hosts);
            // `ip netns add` creates /run/netns/<name> exclusively: the name (and so the subnet) is ours or the next try.
            if (Run("ip", "netns", "add", ns.Name).ExitCode != 0) continue;
            try
            {
                Directory.CreateDirectory(OwnerDirectory);
                File.WriteAllText(ns.OwnerFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
                lock (Live) Live.Add(ns);
                ns.SetUp();
                return ns;
            }
            catch
            {
                ns.Dispose();
                throw;
            }
        }
        throw new InvalidOperationException("no free 198.18.X.0/24 subnet for a network namespace (20 tries)");
    }

    /// <summary>
    /// Drops packets from <paramref name="from"/> to <paramref name="to"/> (and back, for <see cref="LinkDirection.Both"/>),
    /// established connections included. Either address may be a host, a 127.0.0.x address inside, or <see cref="RootAddress"/>.
    /// </summary>
    public void Cut(IPAddress from, IPAddress to, LinkDirection direction = LinkDirection.Both)
    {
        AddDrop(from, to);
        if (direction == LinkDirection.Both) AddDrop(to, from);
    }

    /// <summary>Cuts <paramref name="host"/> off every other host and the test process: a node alone on its side.</summary>
    public void Isolate(IPAddress host)
    {
        foreach (var other in Hosts.Append(RootAddress).Where(a => !a.Equals(host))) Cut(host, other);
    }

    /// <summary>Removes the drop rules between the two addresses, in both directions.</summary>
    public void Heal(IPAddress a, IPAddress b)
    {
        List<(string Chain, IPAddress From, IPAddress To)> matching;
        lock (_rulesLock) matching = [.. _rules.Where(r => (r.From.Equals(a) && r.To.Equals(b)) || (r.From.Equals(b) && r.To.Equals(a)))];
        foreach (var rule in matching)
        {
            Iptables("-D", rule.Chain, "-s", $"{rule.From}/32", "-d", $"{rule.To}/32", "-j", "DROP");
            lock (_rulesLock) _rules.Remove(rule);
        }
    }

    /// <summary>Removes every rule: the network is whole again.</summary>
    public void HealAll()
    {
        Iptables("-F", "INPUT");
        Iptables("-F", "OUTPUT");
        lock (_rulesLock) _rules.Clear();
    }

    /// <summary>
    /// A socket that belongs to this namespace: bind, listen and connect it from any thread afterwards (a socket stays in
    /// the namespace it was made in). Made on a short-lived thread that enters the namespace with setns(2).
    /// </summary>
    public Socket CreateSocket(SocketType type = SocketType.Stream, ProtocolType protocol = ProtocolType.Tcp) =>
        RunInside(() => new Socket(AddressFamily.InterNetwork, type, protocol));

    /// <summary>
    /// Runs <paramref name="action"/> on a new thread inside the namespace and returns its result. Only what the action
    /// does synchronously on that thread happens inside (sockets it makes, threads it starts); do not await in it.
    /// </summary>
    public T RunInside<T>(Func<T> action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = File.OpenHandle(Path.Combine(NetnsDirectory, Name)))
                {
                    if (SetNamespace((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                        throw new IOException($"setns({Name}) failed with errno {Marshal.GetLastPInvokeError()}");
                }
                result = action();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        })
        { IsBackground = true, Name = "netns " + Name };
        thread.Start();
        if (!thread.Join(ToolTimeout)) throw new TimeoutException($"an action inside {Name} did not finish within {ToolTimeout.TotalSeconds:0}s");
        error?.Throw();
        return result;
    }

    /// <summary>Runs <paramref name="fileName"/> inside the namespace to completion (ip netns exec).</summary>
    public Task<ProcessResult> ExecAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync(Launcher[0], [.. Launcher.Skip(1), fileName, .. arguments], timeout: timeout);

    /// <summary>True while /run/netns/&lt;name&gt; exists.</summary>
    public static bool Exists(string name) => File.Exists(Path.Combine(NetnsDirectory, name));

    /// <summary>Deletes the veth pair and the namespace; never throws (it runs in finally blocks and on process exit).</summary>
    public void Dispose()
    {
        lock (Live)
        {
            if (_disposed) return;
            _disposed = true;
            Live.Remove(this);
        }
        Delete(Name, RootLink);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public override string ToString() => $"{Name} (root {RootAddress}, hosts {string.Join(", ", Hosts)})";

    private string InsideVeth => $"bkit{_octet}n";

    private string OwnerFile => Path.Combine(OwnerDirectory, Name);

    private void SetUp()
    {
        Check(Run("ip", "-n", Name, "link", "set", "lo", "up"));
        // A leftover root end from a crashed run would make `link add` fail; it is ours by name, so drop it first.
        Run("ip", "link", "del", RootLink);
        Check(Run("ip", "link", "add", RootLink, "type", "veth", "peer", "name", InsideVeth, "netns", Name));
        Check(Run("ip", "addr", "add", $"{RootAddress}/24", "dev", RootLink));
        Check(Run("ip", "link", "set", RootLink, "up"));
        foreach (var host in Hosts) Check(Run("ip", "-n", Name, "addr", "add", $"{host}/24", "dev", InsideVeth));
        Check(Run("ip", "-n", Name, "link", "set", InsideVeth, "up"));
    }

    private void AddDrop(IPAddress from, IPAddress to)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Packets to a local address of the namespace pass its INPUT chain (from the root end of the link as well as from
        // inside); packets to the root address leave over the link and only pass OUTPUT.
        var chain = to.Equals(RootAddress) ? "OUTPUT" : "INPUT";
        lock (_rulesLock)
        {
            if (_rules.Contains((chain, from, to))) return;
        }
        Iptables("-I", chain, "-s", $"{from}/32", "-d", $"{to}/32", "-j", "DROP");
        lock (_rulesLock) _rules.Add((chain, from, to));
    }

    private void Iptables(params string[] arguments) =>
        Check(Run("ip", ["netns", "exec", Name, ToolPath("iptables")!, "-w", .. arguments]));

    private static void Delete(string name, string rootVeth)
    {
        // Deleting one end of a veth pair deletes both, at once; the namespace's own devices would go only when the
        // kernel gets round to freeing it, and until then the root end would keep its subnet's route.
        Run("ip", "link", "del", rootVeth);
        Run("ip", "netns", "del", name);
        try
        {
            File.Delete(Path.Combine(OwnerDirectory, name));
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Namespaces of test hosts that died without disposing (their owner process is gone).</summary>
    private static void RemoveStale()
    {
        if (!Directory.Exists(NetnsDirectory)) return;
        foreach (var path in Directory.GetFiles(NetnsDirectory, NamePrefix + "*"))
        {
            var name = Path.GetFileName(path);
            if (!int.TryParse(name.AsSpan(NamePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var octet)) continue;
            var owner = Path.Combine(OwnerDirectory, name);
            bool stale;
            if (File.Exists(owner))
            {
                stale = !int.TryParse(File.ReadAllText(owner).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    || !Directory.Exists($"/proc/{pid}");
            }
            else
            {
                // Between `ip netns add` and the owner file another process's namespace has no owner yet: leave young ones.
                stale = DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > TimeSpan.FromMinutes(10);
            }
            if (stale) Delete(name, $"bkit{octet}r");
        }
    }

    private static void InstallExitHook()
    {
        if (Interlocked.Exchange(ref _exitHookInstalled, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            NetworkNamespace[] live;
            lock (Live) live = [.. Live];
            foreach (var ns in live) ns.Dispose();
        };
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces need Linux";
        if (!IsRoot) return "not running as root (network namespaces and iptables need it)";
        if (ToolPath("ip") is null) return $"the ip command (iproute2) is missing; {InstallHint}";
        if (ToolPath("iptables") is null) return $"iptables is missing; {InstallHint}";
        var name = $"{NamePrefix}probe-{Environment.ProcessId}";
        try
        {
            var add = Run("ip", "netns", "add", name);
            if (add.ExitCode != 0) return $"`ip netns add` failed: {add.Output.Trim()}";
            var list = Run("ip", "netns", "exec", name, ToolPath("iptables")!, "-w", "-L", "INPUT");
            if (list.ExitCode != 0) return $"iptables does not work inside a namespace: {list.Output.Trim()}";
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return e.Message;
        }
        finally
        {
            Run("ip", "netns", "del", name);
        }
    }

    /// <summary>The absolute path of a system tool (root's sbin directories are not always on PATH), or null.</summary>
    private static string? ToolPath(string tool)
    {
        foreach (var dir in new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" })
        {
            var path = Path.Combine(dir, tool);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static void Check((int ExitCode, string Output, string Command) result)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException($"`{result.Command}` failed with exit code {result.ExitCode}: {result.Output.Trim()}");
    }

    /// <summary>Runs a tool to completion (these take milliseconds; a hung one is killed after 15 s).</summary>
    private static (int ExitCode, string Output, string Command) Run(string tool, params string[] arguments)
    {
        var path = ToolPath(tool) ?? throw new InvalidOperationException($"{tool} not found; {InstallHint}");
        var command = $"{tool} {string.Join(' ', arguments)}";
        var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {path}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ToolTimeout))
        {
            process.Kill();
            process.WaitForExit();
            return (-1, $"timed out after {ToolTimeout.TotalSeconds:0}s", command);
        }
        process.WaitForExit(); // the output readers have finished too
        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult(), command);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}

/// <summary>
/// A [Fact] for tests that need <see cref="NetworkNamespace"/>. Skipped, with the reason, only when this process is not
/// root and no CI asks for it; otherwise it runs, and fails with the reason if namespaces cannot be made (missing ip or
/// iptables as root, or in CI), so a broken machine never passes quietly.
/// </summary>
public sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    public NetworkNamespaceFactAttribute()
    {
        if (!NetworkNamespace.IsRoot && !NetworkNamespace.Required)
        {
            Skip = "needs root for network namespaces and iptables (run as root, e.g. sudo bash scripts/test.sh; " +
                $"CI=true or {NetworkNamespace.RequireVariable}=1 turns this skip into a failure)";
        }
    }
}
