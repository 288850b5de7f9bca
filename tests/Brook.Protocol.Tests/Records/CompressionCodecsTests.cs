using System.Buffers.Binary;
using System.Text;
using Brook.Common;
using Brook.Protocol.Records;
using Brook.Protocol.Records.Compression;

namespace Brook.Protocol.Tests.Records;

public class CompressionCodecsTests
{
    public static TheoryData<CompressionType> Codecs => new()
    {
        CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd,
    };

    private static byte[] SampleData(int size, int seed)
    {
        // Half random, half repetitive: exercises literal runs and matches, and spans several xerial/LZ4 blocks.
        var data = new byte[size];
        new Random(seed).NextBytes(data.AsSpan(0, size / 2));
        for (var i = size / 2; i < size; i++) data[i] = (byte)(i % 7);
        return data;
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void RoundTripsSmallAndLargeInputs(CompressionType codec)
    {
        foreach (var size in new[] { 1, 100, 200_000 })
        {
            var data = SampleData(size, size);
            using var compressed = new PooledBufferWriter();
            var written = CompressionCodecs.Compress(codec, data, compressed);
            Assert.Equal(compressed.WrittenCount, written);
            using var output = new PooledBufferWriter();
            var n = CompressionCodecs.Decompress(codec, compressed.WrittenSpan, output);
            Assert.Equal(size, n);
            Assert.True(data.AsSpan().SequenceEqual(output.WrittenSpan));
        }
    }

    [Fact]
    public void SnappyCompressWritesXerialFramingLikeTheJavaClient()
    {
        var data = SampleData(70_000, 3);
        using var compressed = new PooledBufferWriter();
        SnappyCodec.Compress(data, compressed);
        var c = compressed.WrittenSpan;
        Assert.Equal(new byte[] { 0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1 }, c[..16].ToArray());
        // 70,000 bytes in 32 KiB blocks: three length-prefixed blocks.
        var pos = 16;
        var blocks = 0;
        while (pos < c.Length)
        {
            pos += 4 + BinaryPrimitives.ReadInt32BigEndian(c[pos..]);
            blocks++;
        }
        Assert.Equal(c.Length, pos);
        Assert.Equal(3, blocks);
    }

    [Fact]
    public void SnappyDecodesHandMadeXerialFrameWithTwoBlocks()
    {
        // Each block is a raw snappy block: varint uncompressed length, then a literal tag ((len-1) << 2) and bytes.
        byte[] frame =
        [
            0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0x00, // magic
            0x00, 0x00, 0x00, 0x01, // version
            0x00, 0x00, 0x00, 0x01, // minimum compatible version
            0x00, 0x00, 0x00, 0x07, 0x05, 0x10, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o',
            0x00, 0x00, 0x00, 0x07, 0x05, 0x10, (byte)'w', (byte)'o', (byte)'r', (byte)'l', (byte)'d',
        ];
        using var output = new PooledBufferWriter();
        CompressionCodecs.Decompress(CompressionType.Snappy, frame, output);
        Assert.Equal("helloworld", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void SnappyDecodesRawBlockAsLibrdkafkaWritesIt()
    {
        byte[] raw = [0x05, 0x10, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o'];
        using var output = new PooledBufferWriter();
        CompressionCodecs.Decompress(CompressionType.Snappy, raw, output);
        Assert.Equal("hello", Encoding.ASCII.GetString(output.WrittenSpan));

        var data = SampleData(50_000, 9);
        using var compressed = new PooledBufferWriter();
        SnappyCodec.CompressRaw(data, compressed);
        Assert.False(SnappyCodec.IsXerialFramed(compressed.WrittenSpan));
        output.Reset();
        CompressionCodecs.Decompress(CompressionType.Snappy, compressed.WrittenSpan, output);
        Assert.True(data.AsSpan().SequenceEqual(output.WrittenSpan));
    }

    [Fact]
    public void SnappyDecodesConcatenatedXerialStreams()
    {
        using var compressed = new PooledBufferWriter();
        SnappyCodec.Compress("first-"u8, compressed);
        SnappyCodec.Compress("second"u8, compressed);
        using var output = new PooledBufferWriter();
        CompressionCodecs.Decompress(CompressionType.Snappy, compressed.WrittenSpan, output);
        Assert.Equal("first-second", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void SnappyRejectsXerialBlockLengthPastTheEnd()
    {
        byte[] frame =
        [
            0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0x00, 0, 0, 0, 1, 0, 0, 0, 1,
            0x00, 0x00, 0x00, 0x20, 0x05, 0x10, (byte)'h',
        ];
        using var output = new PooledBufferWriter();
        Assert.Throws<InvalidDataException>(() => CompressionCodecs.Decompress(CompressionType.Snappy, frame, output));
    }

    [Fact]
    public void Lz4DecodesHandMadeFrame()
    {
        // Frame: magic, FLG 0x60 (version 01, independent blocks, no checksums, no content size), BD 0x40 (64 KiB
        // blocks), header checksum 0x82 (second byte of xxh32 over FLG and BD); then an uncompressed block (size with
        // the high bit set), a compressed block, and the end mark.
        byte[] frame =
        [
            0x04, 0x22, 0x4D, 0x18, 0x60, 0x40, 0x82,
            0x03, 0x00, 0x00, 0x80, (byte)'x', (byte)'y', (byte)'z',
            // Compressed block: sequence 1 = token 0x35 (3 literals, match length 4+5), "abc", offset 3;
            // sequence 2 = token 0x50 (5 literals, no match), "hello". Decodes to "abcabcabcabc" + "hello".
            0x0C, 0x00, 0x00, 0x00, 0x35, (byte)'a', (byte)'b', (byte)'c', 0x03, 0x00, 0x50, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o',
            0x00, 0x00, 0x00, 0x00,
        ];
        using var output = new PooledBufferWriter();
        CompressionCodecs.Decompress(CompressionType.Lz4, frame, output);
        Assert.Equal("xyzabcabcabcabchello", Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Lz4WritesIndependentBlocksWithoutChecksums()
    {
        using var compressed = new PooledBufferWriter();
        CompressionCodecs.Compress(CompressionType.Lz4, SampleData(1000, 1), compressed);
        var c = compressed.WrittenSpan;
        Assert.Equal(new byte[] { 0x04, 0x22, 0x4D, 0x18 }, c[..4].ToArray());
        Assert.Equal(0x60, c[4]); // version 01, block independence, no block/content checksum, no content size
        Assert.Equal(0x40, c[5]); // 64 KiB maximum block size
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void GarbageInputThrowsInvalidData(CompressionType codec)
    {
        var garbage = Enumerable.Range(0, 64).Select(i => (byte)(i * 37 + 11)).ToArray();
        using var output = new PooledBufferWriter();
        Assert.Throws<InvalidDataException>(() => CompressionCodecs.Decompress(codec, garbage, output));
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void DecompressionStopsAtTheLimit(CompressionType codec)
    {
        var zeros = new byte[1 << 20];
        using var compressed = new PooledBufferWriter();
        CompressionCodecs.Compress(codec, zeros, compressed);
        using var output = new PooledBufferWriter();
        Assert.Throws<DecompressionLimitExceededException>(() => CompressionCodecs.Decompress(codec, compressed.WrittenSpan, output, 64 * 1024));
        output.Reset();
        Assert.Equal(zeros.Length, CompressionCodecs.Decompress(codec, compressed.WrittenSpan, output, zeros.Length));
    }

    [Fact]
    public void UnknownCodecIsNotSupported()
    {
        using var output = new PooledBufferWriter();
        Assert.False(CompressionCodecs.IsKnown((CompressionType)5));
        Assert.Throws<NotSupportedException>(() => CompressionCodecs.Decompress((CompressionType)5, [1, 2, 3], output));
    }
}
