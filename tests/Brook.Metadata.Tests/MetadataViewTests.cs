using Brook.Common;
using Brook.Metadata.Records;

namespace Brook.Metadata.Tests;

public sealed class MetadataViewTests
{
    private static MetadataBatch Batch(long baseOffset, params MetadataRecord[] records) => new(baseOffset, records);

    [Fact]
    public void Loader_publishes_one_image_per_delivery()
    {
        var view = new MetadataView();
        var published = new List<MetadataImage>();
        view.ImagePublished += published.Add;
        var loader = new MetadataLoader(view);

        loader.OnCommit([Batch(0, new ClusterIdRecord("c")), Batch(1, new TopicRecord("t", new Uuid(1, 2))), Batch(2, new ProducerIdsRecord(1, 1000))]);

        var image = Assert.Single(published);
        Assert.Same(image, view.Image);
        Assert.Equal(2, image.Offset);
        Assert.Equal("c", image.ClusterId);
        Assert.True(image.TopicsByName.ContainsKey("t"));
        loader.OnCommit([]);
        Assert.Single(published);
    }

    [Fact]
    public async Task Waiting_for_an_offset_completes_when_it_is_published()
    {
        var view = new MetadataView();
        var loader = new MetadataLoader(view);
        var waiting = view.WaitForOffsetAsync(1, default);
        Assert.False(waiting.IsCompleted);
        loader.OnCommit([Batch(0, new ClusterIdRecord("c"))]);
        Assert.False(waiting.IsCompleted);
        loader.OnCommit([Batch(1, new ProducerIdsRecord(1, 1000))]);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(view.WaitForOffsetAsync(0, default).IsCompleted);
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        var view = new MetadataView();
        using var cts = new CancellationTokenSource();
        var waiting = view.WaitForOffsetAsync(5, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void Leader_changes_are_announced()
    {
        var loader = new MetadataLoader(new MetadataView());
        var seen = new List<QuorumLeader>();
        loader.LeaderChanged += seen.Add;
        Assert.False(loader.Leader.IsKnown);
        loader.OnLeaderChange(new QuorumLeader(3, 7));
        Assert.Equal(new QuorumLeader(3, 7), loader.Leader);
        Assert.Equal([new QuorumLeader(3, 7)], seen);
    }
}
