using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Brook.Client;
using Brook.IntegrationTests.Wire;
using Brook.Protocol.Messages;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>The two listeners of a combined broker + controller node.</summary>
public enum ClusterListener
{
    /// <summary>PLAINTEXT: clients and other brokers. Closes connections until the node has caught up with a quorum leader.</summary>
    Client,

    /// <summary>CONTROLLER: the KRaft quorum. Served from the moment it binds, leader or not.</summary>
    Controller,
}

/// <summary>
/// One node of a <see cref="ClusterProcess"/>: a real brook process (<see cref="Process"/>) with its node id, address,
/// ports and rack, and the fault operations a cluster test applies to it.
/// </summary>
public sealed class ClusterNode
{
    internal ClusterNode(int nodeId, IPAddress address, int clientPort, int controllerPort, string? rack, BrokerProcess process)
    {
        NodeId = nodeId;
        Address = address;
        ClientPort = clientPort;
        ControllerPort = controllerPort;
        Rack = rack;
        Process = process;
    }

    public int NodeId { get; }

    /// <summary>The address both listeners bind (127.0.0.1, or the node's own address in a namespace).</summary>
    public IPAddress Address { get; }

    public int ClientPort { get; }

    /// <summary>The controller listener's port; 0 on a broker-only node.</summary>
    public int ControllerPort { get; }

    /// <summary>A controller (quorum voter) as well as a broker; false for a broker-only node.</summary>
    public bool IsVoter => ControllerPort > 0;

    /// <summary>broker.rack, or null.</summary>
    public string? Rack { get; }

    /// <summary>The process underneath (log, overrides, directories).</summary>
    public BrokerProcess Process { get; }

    /// <summary>"host:port" of the client listener.</summary>
    public string BootstrapServers => $"{Address}:{ClientPort}";

    /// <summary>"host:port" of the controller listener, as controller.quorum.voters names it.</summary>
    public string ControllerEndpoint => $"{Address}:{ControllerPort}";

    /// <summary>The node's log.dirs directory (meta.properties, __cluster_metadata-0, partitions).</summary>
    public string DataDirectory => Process.DataDirectory;

    public bool IsRunning => Process.IsRunning;

    public bool IsPaused => Process.IsPaused;

    public int ProcessId => Process.ProcessId;

    public string Log => Process.Log;

    /// <summary>The listener's address; a broker-only node has only its client listener, which stands for both.</summary>
    public IPEndPoint EndPoint(ClusterListener listener) =>
        new(Address, listener == ClusterListener.Client || !IsVoter ? ClientPort : ControllerPort);

    /// <summary>SIGKILL and wait for the exit: no flush, no clean shutdown.</summary>
    public void Kill() => Process.Kill();

    /// <summary>SIGTERM and wait for a clean exit (resumes a paused node so it can act on it); returns the exit code.</summary>
    public Task<int> StopAsync(TimeSpan? timeout = null) => Process.StopAsync(timeout);

    /// <summary>Starts the node again on its ports and directory (formatted already) and waits as the cluster's start did.</summary>
    public Task RestartAsync() => Process.RestartAsync();

    /// <summary>SIGSTOP: frozen with its sockets open, like a long GC pause or a hung VM.</summary>
    public void Pause() => Process.Pause();

    /// <summary>SIGCONT.</summary>
    public void Resume() => Process.Resume();

    /// <summary>A raw protocol connection to one of the node's listeners (from the test process).</summary>
    public Task<ProtocolClient> ConnectAsync(ClusterListener listener) => ProtocolClient.ConnectAsync(Address, EndPoint(listener).Port);

    /// <summary>
    /// True if the listener answers ApiVersions within <paramref name="timeout"/> (connect included) on a fresh
    /// connection; false on refusal, close, silence or timeout.
    /// </summary>
    public async Task<bool> AnswersApiVersionsAsync(ClusterListener listener, TimeSpan timeout)
    {
        var options = new KafkaConnectionOptions { ClientId = "brook-cluster-probe", ConnectTimeout = timeout, RequestTimeout = timeout };
        var started = Stopwatch.StartNew();
        try
        {
            using var connection = await KafkaConnection.ConnectAsync(EndPoint(listener), options).ConfigureAwait(false);
            var left = timeout - started.Elapsed;
            if (left <= TimeSpan.Zero) return false;
            var response = await connection.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(
                new ApiVersionsRequest { ClientSoftwareName = "brook-tests", ClientSoftwareVersion = "1.0" }, 3, left).ConfigureAwait(false);
            return response.ErrorCode == 0;
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException or OperationCanceledException
            or InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Waits until the listener answers ApiVersions; fails with the node's log after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilServingAsync(ClusterListener listener, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await AnswersApiVersionsAsync(listener, TimeSpan.FromSeconds(2)).ConfigureAwait(false))
        {
            if (!IsRunning) throw new InvalidOperationException($"node {NodeId} is not running.\n--- node {NodeId} log ---\n{Log}");
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"node {NodeId} did not answer ApiVersions on its {listener} listener {EndPoint(listener)} " +
                    $"within {timeout.TotalSeconds:0}s.\n--- node {NodeId} log ---\n{Log}");
            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    public override string ToString() => $"node {NodeId} ({BootstrapServers}, controller {ControllerEndpoint})";
}
