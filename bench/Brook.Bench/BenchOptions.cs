using System.Globalization;
using Confluent.Kafka;

namespace Brook.Bench;

/// <summary>Command line of the benchmark: a command (produce | consume | all) and --name value options.</summary>
public sealed class BenchOptions
{
    public const string Usage = """
        usage: brook-bench <produce|consume|all|latency|commit|rebalance|txn|failover|reassign|startup|embedded> [options]
          --bootstrap HOST:PORT   broker to use (default 127.0.0.1:9092)
          --start-broker          start a local brook.dll (Release build) on a temp dir and a free port instead
          --fill-page-cache       first fill free memory with a cached ballast file (kept in the temp dir between runs),
                                  so the brokers' log pages are reclaimed ones, as on a long-running host; on a VM that
                                  hands free pages back to its host, fresh pages cost about half the CPU of an RF=3 run
          --brokers N             with --start-broker: N nodes forming a KRaft cluster (default 1, a standalone node)
          --replication-factor R  replication factor of the created topic (default: the number of brokers, at most 3)
          --min-isr M             min.insync.replicas of the created topic (default: min(2, R))
          --topic NAME            topic (default bench); produce creates it if missing
          --records N             records to produce / consume (default 1000000)
          --record-size BYTES     value size for produce (default 100; latency: 1024)
          --partitions N          partitions when creating the topic (default 6)
          --acks all|1|0          producer acks (default 1)
          --compression none|gzip|snappy|lz4|zstd   (default none)
          --linger-ms MS          producer linger.ms (default 5)
          --batch-size BYTES      producer batch.size (default: librdkafka's)
          --idempotence           enable.idempotence=true (implies acks=all)
          --rate-mb-s R           produce at most R MB/s (a fixed load for latency; default: as fast as possible)
          --warmup-s S            produce, latency: leave records sent in the first S seconds out of the latency
                                  figures (default 0; latency: 5)
          --disk-baseline         produce: also time `dd bs=1M count=1024 conv=fdatasync` in the broker's directory,
                                  before and after producing, for comparison with an fsync'd (acks=all) figure
          --duration-s S          latency: measure for S seconds after the warm-up (default 30)
          --probe-rate N          latency: probe records per second (default 10000)
          --background-mb-s R     latency: a background producer writes R MB/s of --record-size acks=1 records to
                                  --partitions partitions meanwhile (default 0: an idle broker)
          --plot PATH             latency: where the SVG plot of latency over time goes (default ./latency.svg)
          --kill-after-s S        failover: SIGKILL a partition leader after S seconds (default 5)
          --victim broker|controller   failover: kill a leader that is not the active controller (default), or the
                                  active controller when it leads a partition (quorum election + fencing by the new one)
          --throttle-mb-s R       reassign: the replication throttle of the throttled move (default 50)
          --timeout-s S           give up consuming after S seconds without progress (default 30)
          --group-protocol classic|consumer   consumer group protocol for commit/rebalance (default classic)
          --transactions N        transactions for txn (default 1000)
          --txn-records N         records per transaction for txn (default 100)
          --binary PATH           startup: the brook executable (default: the newest artifacts/dist/brook-*/bin/brook);
                                  with --start-broker: run this executable instead of the portable brook.dll
          --runs N                startup: starts per measurement (default 5)
        "all" produces and then consumes the same records (handy with --start-broker).
        "latency" measures end-to-end latency (send → receive) of a probe producer/consumer pair on one partition at
        --probe-rate, linger.ms=0, --acks (default 1), optionally under a --background-mb-s load.
        "commit" measures synchronous offset commits per second (--records commits, default 1000000 → use e.g. 20000).
        "rebalance" measures how long a group of 2 takes to settle after a 3rd member joins.
        "txn" commits --transactions transactions of --txn-records records with one transactional producer.
        "failover" (with --start-broker --brokers 3) produces idempotently at --rate-mb-s (default 5), kills the leader of
        a partition and reports the produce stall: the longest gap between acknowledgements of its partitions.
        "reassign" (with --start-broker --brokers 3) fills one RF=2 partition with --records x --record-size bytes, then
        moves it to a new replica twice, unthrottled and at --throttle-mb-s, and reports how long each move took.
        "startup" times the published executable from exec to accepting connections and to answering ApiVersions: on an
        empty data dir, then on one holding --partitions partitions with --records records (clean stop, then kill -9).
        "embedded" times Brook.Testing in --runs fresh processes: the first BrookTestBroker of a process (cold JIT), later
        ones (warm), a first topic, and a three-node BrookTestCluster's start and disposal.
        """;

    public string Command { get; private init; } = "";
    public string Bootstrap { get; set; } = "127.0.0.1:9092";
    public bool StartBroker { get; private init; }
    /// <summary>--fill-page-cache: see <see cref="PageCacheBallast"/>.</summary>
    public bool FillPageCache { get; private init; }
    public string Topic { get; private init; } = "bench";
    public long Records { get; private init; } = 1_000_000;
    public int RecordSize { get; private init; } = 100;
    public int Partitions { get; private init; } = 6;
    public Acks Acks { get; private init; } = Acks.Leader;
    public CompressionType Compression { get; private init; } = CompressionType.None;
    public int LingerMs { get; private init; } = 5;
    public int? BatchSize { get; private init; }
    public bool Idempotence { get; private init; }
    public int TimeoutSeconds { get; private init; } = 30;
    public GroupProtocol GroupProtocol { get; private init; } = GroupProtocol.Classic;
    public int Transactions { get; private init; } = 1000;
    public int TxnRecords { get; private init; } = 100;
    public int Brokers { get; private init; } = 1;
    public short ReplicationFactor { get; private init; } = 1;
    public int MinInsyncReplicas { get; private init; } = 1;
    /// <summary>Produce pacing in MB/s (MiB), or null for as fast as the client goes.</summary>
    public double? RateMBps { get; private init; }
    public int KillAfterSeconds { get; private init; } = 5;
    /// <summary>produce: seconds at the start whose records count for throughput but not for latency (JIT, followers joining).</summary>
    public int WarmupSeconds { get; private init; }
    /// <summary>failover: kill the active controller (true) or a leader that is not the controller (false).</summary>
    public bool KillController { get; private init; }
    /// <summary>reassign: leader/follower.replication.throttled.rate of the throttled move, MB/s (MiB).</summary>
    public double ThrottleMBps { get; private init; } = 50;
    /// <summary>startup: the executable to time, or null for the newest published one.</summary>
    public string? Binary { get; private init; }
    /// <summary>startup: starts per measurement.</summary>
    public int Runs { get; private init; } = 5;
    /// <summary>produce: time dd conv=fdatasync before and after (see <see cref="DiskBaseline"/>).</summary>
    public bool DiskBaseline { get; private init; }
    /// <summary>latency: seconds measured after the warm-up.</summary>
    public int DurationSeconds { get; private init; } = 30;
    /// <summary>latency: probe records per second.</summary>
    public int ProbeRate { get; private init; } = 10_000;
    /// <summary>latency: background load in MB/s (MiB), 0 for none.</summary>
    public double BackgroundMBps { get; private init; }
    /// <summary>latency: the SVG plot's path, or null for ./latency.svg.</summary>
    public string? PlotPath { get; private init; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a readable message on errors.</summary>
    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help") throw new ArgumentException("no command given");
        var command = args[0];
        if (command is not ("produce" or "consume" or "all" or "latency" or "commit" or "rebalance" or "txn" or "failover" or "reassign" or "startup" or "embedded" or "embedded-once")) throw new ArgumentException($"unknown command '{command}'");

        var values = new Dictionary<string, string>();
        var flags = new HashSet<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{name}'");
            if (name is "--start-broker" or "--idempotence" or "--fill-page-cache" or "--disk-baseline")
            {
                flags.Add(name);
                continue;
            }
            if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value");
            values[name] = args[++i];
        }

        string Get(string name, string fallback) => values.Remove(name, out var v) ? v : fallback;
        int GetInt(string name, int fallback) => int.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var brokers = GetInt("--brokers", 1);
        var replicationFactor = (short)GetInt("--replication-factor", Math.Min(brokers, 3));
        var minIsr = GetInt("--min-isr", Math.Min(2, (int)replicationFactor));
        var options = new BenchOptions
        {
            Command = command,
            Brokers = brokers,
            ReplicationFactor = replicationFactor,
            MinInsyncReplicas = minIsr,
            Bootstrap = Get("--bootstrap", "127.0.0.1:9092"),
            StartBroker = flags.Contains("--start-broker"),
            FillPageCache = flags.Contains("--fill-page-cache"),
            GroupProtocol = Get("--group-protocol", "classic") switch
            {
                "classic" => GroupProtocol.Classic,
                "consumer" => GroupProtocol.Consumer,
                var other => throw new ArgumentException($"--group-protocol must be classic or consumer, not '{other}'"),
            },
            Topic = Get("--topic", "bench"),
            Records = long.Parse(Get("--records", "1000000"), CultureInfo.InvariantCulture),
            RecordSize = GetInt("--record-size", command == "latency" ? 1024 : 100),
            Partitions = GetInt("--partitions", 6),
            Acks = Get("--acks", "1") switch
            {
                "all" or "-1" => Acks.All,
                "1" => Acks.Leader,
                "0" => Acks.None,
                var other => throw new ArgumentException($"--acks must be all, 1 or 0, not '{other}'"),
            },
            Compression = Get("--compression", "none") switch
            {
                "none" => CompressionType.None,
                "gzip" => CompressionType.Gzip,
                "snappy" => CompressionType.Snappy,
                "lz4" => CompressionType.Lz4,
                "zstd" => CompressionType.Zstd,
                var other => throw new ArgumentException($"unknown compression '{other}'"),
            },
            LingerMs = GetInt("--linger-ms", 5),
            BatchSize = values.ContainsKey("--batch-size") ? GetInt("--batch-size", 0) : null,
            Idempotence = flags.Contains("--idempotence"),
            TimeoutSeconds = GetInt("--timeout-s", 30),
            Transactions = GetInt("--transactions", 1000),
            TxnRecords = GetInt("--txn-records", 100),
            RateMBps = values.ContainsKey("--rate-mb-s") ? double.Parse(Get("--rate-mb-s", "0"), CultureInfo.InvariantCulture)
                : command == "failover" ? 5 : null,
            KillAfterSeconds = GetInt("--kill-after-s", 5),
            ThrottleMBps = double.Parse(Get("--throttle-mb-s", "50"), CultureInfo.InvariantCulture),
            WarmupSeconds = GetInt("--warmup-s", command == "latency" ? 5 : 0),
            DiskBaseline = flags.Contains("--disk-baseline"),
            DurationSeconds = GetInt("--duration-s", 30),
            ProbeRate = GetInt("--probe-rate", 10_000),
            BackgroundMBps = double.Parse(Get("--background-mb-s", "0"), CultureInfo.InvariantCulture),
            PlotPath = values.ContainsKey("--plot") ? Path.GetFullPath(Get("--plot", "")) : null,
            Binary = values.ContainsKey("--binary") ? Path.GetFullPath(Get("--binary", "")) : null,
            Runs = GetInt("--runs", 5),
            KillController = Get("--victim", "broker") switch
            {
                "broker" => false,
                "controller" => true,
                var other => throw new ArgumentException($"--victim must be broker or controller, not '{other}'"),
            },
        };
        if (values.Count > 0) throw new ArgumentException($"unknown option(s): {string.Join(", ", values.Keys)}");
        if (options.Brokers < 1 || options.ReplicationFactor < 1 || options.MinInsyncReplicas < 1) throw new ArgumentException("--brokers, --replication-factor and --min-isr must be positive");
        if (options.WarmupSeconds < 0) throw new ArgumentException("--warmup-s must not be negative");
        if (options.RateMBps is <= 0) throw new ArgumentException("--rate-mb-s must be positive");
        if (options.DurationSeconds <= 0 || options.ProbeRate <= 0 || options.BackgroundMBps < 0) throw new ArgumentException("--duration-s and --probe-rate must be positive, --background-mb-s not negative");
        if (options.ThrottleMBps <= 0) throw new ArgumentException("--throttle-mb-s must be positive");
        if (options.Records <= 0 || options.RecordSize < 0 || options.Partitions <= 0 || options.Transactions <= 0 || options.TxnRecords <= 0) throw new ArgumentException("sizes must be positive");
        return options;
    }
}
