using Brook.Common;

namespace Brook.Protocol.Tests.Messages;

/// <summary>Support for hand-computed wire fixtures: hex parsing, decoding a fixture, and the version list of an API.</summary>
public static class GoldenBytes
{
    /// <summary>Parses hex written in readable groups ("0001 61 ..."); spaces and line breaks are ignored.</summary>
    public static byte[] Hex(string text) =>
        Convert.FromHexString(text.Replace(" ", "").Replace("\n", "").Replace("\r", ""));

    /// <summary>Decodes a fixture and checks that every byte was consumed.</summary>
    public static T Decode<T>(byte[] bytes, short version, bool flexible) where T : IMessage, new()
    {
        var reader = new ProtocolReader(bytes, flexible);
        var message = new T();
        message.Read(ref reader, version);
        Assert.True(reader.End, $"{typeof(T).Name} v{version}: {reader.Remaining} bytes left unread");
        return message;
    }

    public static TheoryData<short> VersionsOf(ApiDescriptor api)
    {
        var data = new TheoryData<short>();
        for (var v = api.MinVersion; v <= api.MaxVersion; v++) data.Add(v);
        return data;
    }

    /// <summary>A recognisable topic id whose wire bytes are 01 02 ... 10.</summary>
    public static readonly Uuid SampleId = new(0x0102030405060708, 0x090A0B0C0D0E0F10);
    public const string SampleIdHex = "0102030405060708 090A0B0C0D0E0F10";
}
