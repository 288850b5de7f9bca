using System.Text;

namespace Brook.Raft.Tests.Simulation;

/// <summary>Steps the scripted scenario tests share.</summary>
internal static class ScenarioSteps
{
    public static byte[] Value(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Runs until every live node's state machine applied <paramref name="lastOffset"/> (5 virtual seconds at most).</summary>
    public static void AwaitCommittedEverywhere(Simulation sim, long lastOffset) =>
        Assert.True(sim.RunUntil(() => sim.Nodes.Values.All(n => !n.IsUp || n.Machine!.NextOffset > lastOffset), 5_000), sim.Report());
}
