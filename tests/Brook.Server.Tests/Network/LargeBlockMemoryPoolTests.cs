using System.Buffers;
using System.IO.Pipelines;
using Brook.Server.Network;

namespace Brook.Server.Tests.Network;

/// <summary>The 64 KiB block pool Kestrel's connection pipes are built from.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void EveryRentIsAWholeBlockWhateverWasAskedFor()
    {
        using var pool = new LargeBlockMemoryPool();
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
        foreach (var ask in new[] { -1, 1, 4096, LargeBlockMemoryPool.BlockSize })
        {
            using var block = pool.Rent(ask);
            Assert.Equal(LargeBlockMemoryPool.BlockSize, block.Memory.Length);
        }
    }

    [Fact]
    public void AReturnedBlockIsReusedAndNotCountedAgain()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        first.Memory.Span[0] = 42;
        first.Dispose();
        using var second = pool.Rent();
        Assert.Equal(42, second.Memory.Span[0]); // the same memory, handed out again
        Assert.Equal(1, pool.BlocksAllocated);

        using var third = pool.Rent(); // the second is still out: a new block
        Assert.Equal(2, pool.BlocksAllocated);
    }

    [Fact]
    public void ALargerRequestIsServedUnpooled()
    {
        using var pool = new LargeBlockMemoryPool();
        using var big = pool.Rent(LargeBlockMemoryPool.BlockSize + 1);
        Assert.True(big.Memory.Length > LargeBlockMemoryPool.BlockSize);
        Assert.Equal(0, pool.BlocksAllocated);
    }

    [Fact]
    public void ADisposedPoolRefusesRentsAndDropsReturns()
    {
        var pool = new LargeBlockMemoryPool();
        var block = pool.Rent();
        pool.Dispose();
        block.Dispose(); // returning to a disposed pool is harmless
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }

    [Fact]
    public async Task APipeOnThePoolOffersAWholeBlockToOneRead()
    {
        // Kestrel receives into the free space of the pipe's current segment; with this pool that is 64 KiB.
        var factory = new LargeBlockMemoryPoolFactory();
        using var pool = factory.Create();
        var pipe = new Pipe(new PipeOptions(pool, pauseWriterThreshold: 0, resumeWriterThreshold: 0, minimumSegmentSize: 4096, useSynchronizationContext: false));
        var memory = pipe.Writer.GetMemory(2048);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, memory.Length);
        Assert.Equal(1, factory.BlocksAllocated);

        var payload = new byte[LargeBlockMemoryPool.BlockSize * 3 + 17];
        new Random(3).NextBytes(payload);
        await pipe.Writer.WriteAsync(payload);
        await pipe.Writer.CompleteAsync();
        var read = await pipe.Reader.ReadAtLeastAsync(payload.Length);
        Assert.Equal(payload, read.Buffer.ToArray());
        pipe.Reader.AdvanceTo(read.Buffer.End);
        await pipe.Reader.CompleteAsync();
    }
}
