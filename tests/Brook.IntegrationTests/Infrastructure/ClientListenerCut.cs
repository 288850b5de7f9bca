using System.Globalization;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// Cuts one node off another node's client listener only: its replica fetches to that node stall while every KRaft
/// link (controller listener) stays whole, so a live, unfenced broker falls out of the leader's ISR without the
/// metadata quorum losing a voter. <see cref="ClusterProcess.HealAll"/> removes these cuts with the others.
/// </summary>
public static class ClientListenerCut
{
    /// <summary>Drops TCP packets from <paramref name="from"/> to the client port of <paramref name="to"/>, established connections included.</summary>
    public static async Task CutClientListenerAsync(this ClusterProcess cluster, ClusterNode from, ClusterNode to)
    {
        var ns = cluster.Namespace ?? throw new InvalidOperationException("link faults need a cluster started with ClusterOptions.InNetworkNamespace");
        // Packets between the namespace's own addresses pass its INPUT chain (as NetworkNamespace.Cut relies on too).
        var result = await ns.ExecAsync("iptables", ["-w", "-I", "INPUT", "-p", "tcp", "-s", $"{from.Address}/32", "-d", $"{to.Address}/32",
            "--dport", to.ClientPort.ToString(CultureInfo.InvariantCulture), "-j", "DROP"]).ConfigureAwait(false);
        if (result.ExitCode != 0) throw new InvalidOperationException($"iptables failed: {result}");
    }
}
