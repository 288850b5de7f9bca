using Brook.Common;
using Brook.Metadata;
using Brook.Metadata.Records;
using Brook.Protocol;
using Brook.Protocol.Messages;
using Brook.Protocol.Records;
using Brook.Replication;
using Brook.Server.Api;
using Brook.Server.Handlers;
using Brook.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Brook.Server.Tests;

/// <summary>
/// A consumer's long poll: answered the moment its min.bytes are there, or at max.wait.ms; and it leaves no timer
/// behind when data ends it early (a busy consumer's polls would otherwise keep thousands of timers queued).
/// </summary>
public sealed class FetchLongPollTests : IDisposable
{
    private const int Local = 1;
    private static readonly Uuid TopicId = new(5, 5);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "brook-longpoll-tests", Guid.NewGuid().ToString("N"));
    private readonly GroupCommitFlusher _flusher = new(NullLogger<GroupCommitFlusher>.Instance);
    private readonly CountingTimeProvider _time = new();
    private readonly ReplicaManager _replicas;
    private readonly FetchHandler _handler;
    private readonly Partition _partition;

    public FetchLongPollTests()
    {
        _replicas = new ReplicaManager(_dir, Local, _ => new PartitionSettings(new LogConfig(), 1_000_000, false), _flusher,
            NullLoggerFactory.Instance, TimeProvider.System, flushOnAck: false);
        var image = MetadataImage.Empty.Apply(new MetadataBatch(0,
            [new TopicRecord("t", TopicId), new PartitionRecord(TopicId, 0, [Local], [Local], Local, 0, 0)]));
        _replicas.Apply(image);
        var view = new MetadataView();
        view.Publish(image);
        Assert.True(_replicas.TryGetPartition(new TopicPartition("t", 0), out var partition));
        _partition = partition!;
        _handler = new FetchHandler(view, _replicas, _time, new ServiceCollection().BuildServiceProvider());
    }

    public void Dispose()
    {
        _replicas.Dispose();
        _flusher.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Data_arriving_answers_the_poll_at_once_and_its_timer_is_gone()
    {
        var poll = FetchAsync(maxWaitMs: 30_000);
        await Task.Delay(100);
        Assert.False(poll.IsCompleted); // parked: nothing to read yet
        Assert.Equal(1, _time.ActiveTimers);

        Append(3);
        var response = await poll.WaitAsync(TimeSpan.FromSeconds(5)); // long before max.wait.ms
        var data = Assert.Single(Assert.Single(response.Responses).Partitions);
        Assert.Equal((short)ErrorCode.None, data.ErrorCode);
        Assert.True(data.Records!.SizeInBytes > 0);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task Without_data_the_poll_answers_empty_at_max_wait()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var response = await FetchAsync(maxWaitMs: 200).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(started.ElapsedMilliseconds >= 190, $"answered after {started.ElapsedMilliseconds} ms");
        var data = Assert.Single(Assert.Single(response.Responses).Partitions);
        Assert.Equal(0, data.Records!.SizeInBytes);
        Assert.Equal(0, _time.ActiveTimers);
    }

    [Fact]
    public async Task Many_wake_ups_below_min_bytes_share_one_timer()
    {
        // min.bytes is above what the first appends bring: each wakes the poll, which reads again and goes back to sleep.
        var poll = FetchAsync(maxWaitMs: 30_000, minBytes: 20_000);
        for (var i = 0; i < 20; i++)
        {
            Append(1);
            await Task.Delay(5);
        }
        Assert.False(poll.IsCompleted);
        Assert.Equal(1, _time.ActiveTimers);

        // Once min.bytes are there, the poll answers with all of it.
        Append(200);
        var response = await poll.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(Assert.Single(Assert.Single(response.Responses).Partitions).Records!.SizeInBytes >= 20 * 100);
        Assert.Equal(0, _time.ActiveTimers);
    }

    private void Append(int records)
    {
        using var batch = new RecordBatchBuilder();
        for (var i = 0; i < records; i++) batch.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), [(byte)i], new byte[100]);
        Assert.Equal(ErrorCode.None, _partition.AppendAsLeader(batch.Build()).Error);
    }

    private async Task<FetchResponse> FetchAsync(int maxWaitMs, int minBytes = 1)
    {
        var request = new FetchRequest
        {
            MaxWaitMs = maxWaitMs,
            MinBytes = minBytes,
            Topics = [new FetchRequest.FetchTopic { Topic = "t", Partitions = [new() { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1_048_576 }] }],
        };
        var context = new RequestContext
        {
            Header = new RequestHeader { ApiKey = ApiKey.Fetch, ApiVersion = 12 },
            Session = new ConnectionSession { ConnectionId = "test", ListenerName = "PLAINTEXT" },
        };
        return (FetchResponse)(await ((IApiHandler)_handler).HandleAsync(context, request))!;
    }

    /// <summary>The system clock, counting the timers created on it that are neither fired (one-shot) nor disposed.</summary>
    private sealed class CountingTimeProvider : TimeProvider
    {
        private int _active;

        public int ActiveTimers => Volatile.Read(ref _active);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var counted = new CountedTimer(this);
            counted.Inner = System.CreateTimer(s =>
            {
                if (period == Timeout.InfiniteTimeSpan) counted.Release();
                callback(s);
            }, state, dueTime, period);
            Interlocked.Increment(ref _active);
            return counted;
        }

        private sealed class CountedTimer(CountingTimeProvider owner) : ITimer
        {
            private int _released;
            public ITimer Inner { get; set; } = null!;

            public void Release()
            {
                if (Interlocked.Exchange(ref _released, 1) == 0) Interlocked.Decrement(ref owner._active);
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => Inner.Change(dueTime, period);

            public void Dispose()
            {
                Release();
                Inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Release();
                return Inner.DisposeAsync();
            }
        }
    }
}
