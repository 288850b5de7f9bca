using System.Net;
using System.Net.Sockets;
using Brook.Protocol.Messages;

namespace Brook.Client.Tests;

/// <summary>Small requests whose answers say which request they answer, and other shared test helpers.</summary>
public static class Requests
{
    public const short MetadataVersion = 12;

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Metadata for one topic: the fake server echoes the name, so a response proves which request it answers.</summary>
    public static MetadataRequest Metadata(string topic) =>
        new() { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }], AllowAutoTopicCreation = false };

    public static Task<MetadataResponse> SendMetadataAsync(this KafkaConnection connection, string topic, TimeSpan? timeout = null, CancellationToken ct = default) =>
        connection.SendAsync<MetadataRequest, MetadataResponse>(Metadata(topic), MetadataVersion, timeout ?? Patience, ct);

    public static string TopicOf(FakeRequest request) => request.Decode<MetadataRequest>().Topics![0].Name!;

    /// <summary>A loopback endpoint nothing listens on: connecting is refused at once.</summary>
    public static IPEndPoint DeadEndPoint()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        listener.Stop();
        return endpoint;
    }
}
