using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Brook.Bench;

/// <summary>
/// "startup": how long the published `brook` executable (scripts/publish.sh; --binary to pick one) takes from exec to
/// accepting TCP connections and to answering ApiVersions — on an empty data directory, then restarting on a data
/// directory holding --partitions partitions with --records records, after a clean stop and after kill -9.
/// </summary>
public static class StartupBenchmark
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var binary = options.Binary ?? FindPublished();
        if (binary is null || !File.Exists(binary))
        {
            Console.Error.WriteLine("error: no published brook; run scripts/publish.sh or pass --binary PATH");
            return 1;
        }
        var root = Directory.CreateTempSubdirectory("brook-startup-").FullName;
        // One extraction directory for every run: the first start of a single-file build unpacks its native library.
        var extract = Directory.CreateDirectory(Path.Combine(root, "extract")).FullName;
        Console.WriteLine($"binary {binary} ({new FileInfo(binary).Length / (1024 * 1024)} MB), {options.Runs} runs each");
        try
        {
            var empty = new List<(double, double)>();
            for (int run = 0; run <= options.Runs; run++)
            {
                var dir = Directory.CreateDirectory(Path.Combine(root, $"empty-{run}")).FullName;
                var result = await StartAsync(binary, dir, extract, stop: true);
                if (run == 0) Console.WriteLine($"first start (native library extraction): accept {result.AcceptMs:0} ms, ApiVersions {result.ServeMs:0} ms");
                else empty.Add((result.AcceptMs, result.ServeMs));
            }
            Report("empty data dir", empty);

            var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
            await FillAsync(binary, data, extract, options);
            var clean = new List<(double, double)>();
            for (int run = 0; run < options.Runs; run++) clean.Add(await StartAsync(binary, data, extract, stop: true));
            Report($"{options.Partitions} partitions, {options.Records} records, after a clean stop", clean);
            var crashed = new List<(double, double)>();
            for (int run = 0; run < options.Runs; run++) crashed.Add(await StartAsync(binary, data, extract, stop: false));
            Report($"{options.Partitions} partitions, {options.Records} records, after kill -9", crashed);
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static void Report(string what, List<(double Accept, double Serve)> runs)
    {
        static string Stats(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return $"min {sorted[0]:0} / median {sorted[sorted.Count / 2]:0} / max {sorted[^1]:0} ms";
        }
        Console.WriteLine($"{what}: accept {Stats(runs.Select(r => r.Accept))}; ApiVersions {Stats(runs.Select(r => r.Serve))}");
    }

    // Creates the topic and writes the records, then stops the node cleanly.
    private static async Task FillAsync(string binary, string dir, string extract, BenchOptions options)
    {
        var (process, port) = Launch(binary, dir, extract);
        try
        {
            await WaitServingAsync(process, port, Stopwatch.StartNew());
            var bootstrap = $"127.0.0.1:{port}";
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
                await admin.CreateTopicsAsync([new TopicSpecification { Name = options.Topic, NumPartitions = options.Partitions, ReplicationFactor = 1 }]);
            using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5, Acks = Acks.Leader }).Build();
            var value = new byte[options.RecordSize];
            for (long i = 0; i < options.Records; i++)
            {
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(options.Topic, (int)(i % options.Partitions)), new Message<Null, byte[]> { Value = value });
                        break;
                    }
                    catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
            }
            producer.Flush(TimeSpan.FromMinutes(2));
        }
        finally
        {
            await StopAsync(process, clean: true);
        }
    }

    private static async Task<(double AcceptMs, double ServeMs)> StartAsync(string binary, string dir, string extract, bool stop)
    {
        var clock = Stopwatch.StartNew();
        var (process, port) = Launch(binary, dir, extract, clock);
        try
        {
            var accept = await WaitAcceptingAsync(process, port, clock);
            await WaitServingAsync(process, port, clock);
            return (accept, clock.Elapsed.TotalMilliseconds);
        }
        finally
        {
            await StopAsync(process, clean: stop);
        }
    }

    private static (Process, int) Launch(string binary, string dir, string extract, Stopwatch? clock = null)
    {
        int port = LocalBroker.FreePort();
        var psi = new ProcessStartInfo(binary)
        {
            WorkingDirectory = dir,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { $"--listeners=PLAINTEXT://127.0.0.1:{port}", "--brook.admin.listener=" }) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = extract;
        clock?.Restart();
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + binary);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, port);
    }

    private static async Task<double> WaitAcceptingAsync(Process process, int port, Stopwatch clock)
    {
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"brook exited with {process.ExitCode}");
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return clock.Elapsed.TotalMilliseconds;
            }
            catch (SocketException)
            {
                await Task.Delay(2);
            }
        }
    }

    // An ApiVersions v0 request on a fresh connection until one is answered: the node holds requests until it has started.
    private static async Task WaitServingAsync(Process process, int port, Stopwatch clock)
    {
        var request = new byte[14];
        BinaryPrimitives.WriteInt32BigEndian(request, 10);
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(4), 18); // ApiVersions
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(6), 0);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(8), 1);
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(12), -1); // null client id
        var response = new byte[10];
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await WaitAcceptingAsync(process, port, clock);
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                var stream = client.GetStream();
                await stream.WriteAsync(request);
                await stream.ReadExactlyAsync(response);
                if (BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(8)) == 0) return;
            }
            catch (Exception e) when (e is SocketException or IOException) { }
            await Task.Delay(2);
        }
        throw new TimeoutException("brook did not answer ApiVersions within 5 minutes");
    }

    private static async Task StopAsync(Process process, bool clean)
    {
        if (!process.HasExited)
        {
            if (clean) _ = LocalBroker.Kill(process.Id, 15);
            else process.Kill();
        }
        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static string? FindPublished()
    {
        var dist = Path.Combine(LocalBroker.FindRepoRoot(), "artifacts", "dist");
        return Directory.Exists(dist)
            ? Directory.EnumerateDirectories(dist, "brook-*").Select(d => Path.Combine(d, "bin", "brook")).Where(File.Exists)
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
    }
}
