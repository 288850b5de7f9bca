using System.Diagnostics;
using System.Globalization;
using Brook.IntegrationTests.Chaos;
using Brook.IntegrationTests.Infrastructure;

namespace Brook.IntegrationTests;

/// <summary>
/// A bounded Jepsen-style run: three real voters and a broker-only fourth node in a network namespace, a queue
/// workload of idempotent acks=all producers and a read_committed consumer group on an RF=3, min.insync.replicas=2
/// topic, and a seeded schedule of crashes (SIGKILL + restart), controlled shutdowns (SIGTERM + restart), pauses
/// (SIGSTOP/SIGCONT) and cut links, one voter at a time, mixed with operations: partition reassignments among the four
/// brokers, preferred leader elections, and the fourth broker decommissioned (drained, stopped, unregistered) and added
/// back. After healing (and every move completed), a full read from earliest and <see cref="HistoryChecker"/> decide: nothing
/// acknowledged lost, nothing duplicated, one value per offset, offsets forward-only per assignment, nothing skipped by
/// the group, nothing read that nobody wrote.
/// </summary>
/// <remarks>
/// BROOK_CHAOS_SEED fixes the schedule (else a random seed, printed in the output and in any failure message);
/// BROOK_CHAOS_SECONDS sets how long faults run (default 60). scripts/chaos.sh runs it for longer. The same seed gives
/// the same schedule; the workload's timing against it varies from run to run.
/// </remarks>
[Trait("Category", "Cluster")]
public sealed class ClusterChaosTests(ITestOutputHelper output)
{
    public const string SeedVariable = "BROOK_CHAOS_SEED";
    public const string SecondsVariable = "BROOK_CHAOS_SECONDS";
    private const int DefaultSeconds = 60;
    private const int Partitions = 4;

    /// <summary>Quicker reactions than the defaults, so faults of a few seconds fence brokers and shrink ISRs.</summary>
    private static readonly IReadOnlyList<KeyValuePair<string, string>> ClusterOverrides =
    [
        new("broker.session.timeout.ms", "6000"),
        new("broker.heartbeat.interval.ms", "1000"),
        new("replica.lag.time.max.ms", "4000"),
        new("group.initial.rebalance.delay.ms", "0"),
        new("offsets.topic.num.partitions", "3"),
        new("transaction.state.log.num.partitions", "3"),
    ];

    [NetworkNamespaceFact]
    public async Task A_queue_under_crashes_pauses_and_partitions_loses_no_acknowledged_write()
    {
        var seed = ReadInt(SeedVariable) ?? Random.Shared.Next();
        var seconds = ReadInt(SecondsVariable) ?? DefaultSeconds;
        var schedule = ChaosSchedule.Generate(seed, TimeSpan.FromSeconds(seconds), nodes: 3, networkFaults: true, brokerOnlyNodes: 1,
            partitions: Partitions, replicationFactor: 3);
        var clock = Stopwatch.StartNew();
        output.WriteLine(schedule.Describe());
        output.WriteLine($"reproduce the schedule with {SeedVariable}={seed} {SecondsVariable}={seconds}");

        await using var cluster = await ClusterProcess.StartAsync("chaos", new ClusterOptions
        {
            InNetworkNamespace = true,
            BrokerOnlyNodes = 1,
            ReadyOn = ClusterListener.Client,
            Overrides = ClusterOverrides,
        });
        var passed = false;
        try
        {
            var topic = KafkaTestClient.UniqueTopic("chaos");
            await KafkaTestClient.CreateTopicAsync(cluster.BootstrapServers, topic, Partitions, replicationFactor: 3,
                new Dictionary<string, string> { ["min.insync.replicas"] = "2" });
            output.WriteLine($"setup: cluster up and topic {topic} created in {clock.Elapsed.TotalSeconds:0.0}s; the clock restarts with the faults");

            var history = new QueueHistory();
            using var workload = new QueueWorkload(cluster.BootstrapServers, topic, Partitions, history, null, m => Log(clock, m));
            var nemesis = new Nemesis(cluster, clock, topic);
            // From here on the clock is the schedule's: step times, the journal and the workload's notes line up.
            clock.Restart();
            workload.Start();
            Exception? nemesisFailure = null;
            try
            {
                await nemesis.RunAsync(schedule, CancellationToken.None);
            }
            catch (Exception e)
            {
                nemesisFailure = e;
            }
            await nemesis.HealEverythingAsync(TimeSpan.FromSeconds(60));
            var ackedAtHeal = history.Acked.Count;
            // A few seconds of writes on the healed cluster: it must make progress again, not just keep what it had.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var unanswered = await workload.StopProducingAsync(TimeSpan.FromSeconds(75));
            workload.StopConsuming(TimeSpan.FromSeconds(30));
            Log(clock, $"workload stopped; {unanswered} values unanswered");
            workload.FinalRead(TimeSpan.FromSeconds(60));

            foreach (var line in nemesis.Journal) output.WriteLine(line);
            output.WriteLine(history.Summary());
            var anomalies = HistoryChecker.Check(history);
            var context = $"{schedule.Describe()}\n{history.Summary()}\nreproduce the schedule with {SeedVariable}={seed} {SecondsVariable}={seconds}";
            Assert.True(nemesisFailure is null, $"the nemesis failed: {nemesisFailure}\n{context}");
            Assert.True(anomalies.Count == 0, $"{HistoryChecker.Describe(anomalies)}\n{context}");
            Assert.True(unanswered == 0, $"{unanswered} values were neither acknowledged nor failed 75 s after healing\n{context}");
            Assert.True(history.Acked.Count > ackedAtHeal, $"nothing was acknowledged after healing\n{context}");
            Assert.True(history.Acked.Count > 0 && history.Observed.Count > 0, $"the workload did nothing\n{context}");
            Log(clock, "checked: no anomalies");
            passed = true;
        }
        finally
        {
            if (!passed) SaveLogs(cluster, seed);
        }
    }

    /// <summary>The test output keeps 64 KiB per node; a failed chaos run needs all of it, so it goes to a file.</summary>
    private void SaveLogs(ClusterProcess cluster, int seed)
    {
        var path = Path.Combine(Path.GetTempPath(), $"brook-chaos-{seed}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log");
        File.WriteAllText(path, cluster.Log);
        output.WriteLine($"full node logs: {path}");
        BrokerLogReporter.Write(output, cluster.Log, "cluster");
    }

    private void Log(Stopwatch clock, string message)
    {
        try
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"t={clock.Elapsed.TotalSeconds,6:0.0}s {message}"));
        }
        catch (InvalidOperationException)
        {
            // a client callback after the test finished
        }
    }

    private static int? ReadInt(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text
            ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : null;
}
