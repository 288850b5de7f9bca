using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Brook.Examples.Outbox.Tests;

/// <summary>
/// A throwaway PostgreSQL server (Debian's `postgresql` package) for the test: initdb into a temporary directory, then
/// `postgres` on a free port of 127.0.0.1 with fsync off. PostgreSQL refuses to run as root, so as root it runs as
/// the package's `postgres` user. Disposal stops it and deletes the directory.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private PostgresServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true";
    }

    /// <summary>Npgsql connection string for the server's postgres database.</summary>
    public string ConnectionString { get; }

    /// <summary>The directory of initdb and postgres (the newest installed version), or null when PostgreSQL is not installed.</summary>
    public static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    /// <summary>Initialises and starts a server; returns once it accepts connections.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException("PostgreSQL is not installed (Debian: apt-get install postgresql)");
        var directory = Path.Combine(Path.GetTempPath(), $"brook-outbox-pg-{Guid.NewGuid():N}");
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(data);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", ["-R", "postgres:postgres", directory]);
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], asRoot);

        var port = FreePort();
        var process = Start(Path.Combine(bin, "postgres"),
            ["-D", data, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", directory,
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"], asRoot);
        var server = new PostgresServer(process, directory, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString);
                await connection.OpenAsync();
                return server;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or IOException)
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    await server.DisposeAsync();
                    throw new InvalidOperationException($"PostgreSQL did not start: {e.Message}");
                }
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops the server (fast shutdown) and deletes its files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException) { }
    }

    private static Process Start(string file, IEnumerable<string> arguments, bool asPostgresUser)
    {
        var process = Process.Start(StartInfo(file, arguments, asPostgresUser)) ?? throw new InvalidOperationException($"cannot start {file}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task RunAsync(string file, IEnumerable<string> arguments, bool asPostgresUser = false)
    {
        using var process = Process.Start(StartInfo(file, arguments, asPostgresUser)) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {await output}{await error}");
    }

    /// <summary>The command line, through `runuser -u postgres` when PostgreSQL must not run as root; output captured.</summary>
    private static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments, bool asPostgresUser)
    {
        var psi = new ProcessStartInfo(asPostgresUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgresUser)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file }) psi.ArgumentList.Add(a);
        }
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        return psi;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
