using Brook.Common;
namespace Brook.Protocol.Tests.Messages;
public static class CodecTestHelper
{
    public static T RoundTrip<T>(T message, short version, bool flexible) where T : IMessage, new()
    {
        using var buffer = new PooledBufferWriter();
        message.Write(new ProtocolWriter(buffer, flexible), version);
        var reader = new ProtocolReader(buffer.WrittenMemory.ToArray(), flexible);
        var back = new T();
        back.Read(ref reader, version);
        Assert.True(reader.End, $"{typeof(T).Name} v{version}: {reader.Remaining} bytes left unread");
        return back;
    }

    public static byte[] Encode(IMessage message, short version, bool flexible)
    {
        using var buffer = new PooledBufferWriter();
        message.Write(new ProtocolWriter(buffer, flexible), version);
        return buffer.WrittenSpan.ToArray();
    }
}
