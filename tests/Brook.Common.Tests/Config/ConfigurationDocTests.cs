using System.Text;
using Brook.Common.Config;

namespace Brook.Common.Tests.Config;

/// <summary>docs/CONFIGURATION.md is generated from the catalogues; this test fails when they drift apart.</summary>
/// <remarks>Run with BROOK_UPDATE_DOCS=1 to rewrite the file after changing a catalogue.</remarks>
public class ConfigurationDocTests
{
    [Fact]
    public void ConfigurationDocMatchesTheCatalogues()
    {
        string path = Path.Combine(RepositoryRoot(), "docs", "CONFIGURATION.md");
        string expected = Render();
        if (Environment.GetEnvironmentVariable("BROOK_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with BROOK_UPDATE_DOCS=1");
        Assert.True(File.ReadAllText(path) == expected, $"{path} is out of date; run the tests with BROOK_UPDATE_DOCS=1");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Brook.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Brook.slnx not found above " + AppContext.BaseDirectory);
    }

    private static string Mode(BrokerConfigUpdateMode mode) => mode switch
    {
        BrokerConfigUpdateMode.PerBroker => "per-broker",
        BrokerConfigUpdateMode.ClusterWide => "cluster-wide",
        _ => "read-only",
    };

    private static string Cell(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal);

    private static string DefaultCell(ConfigDef def) => def.DefaultValue is null ? "null" : Cell(def.DefaultText);

    private static string Render()
    {
        var sb = new StringBuilder();
        sb.Append("""
            # Configuration

            <!-- Generated from src/Brook.Common/Config (BrokerConfigDefs, KafkaBrokerConfigDefs, TopicConfigDefs) by
                 tests/Brook.Common.Tests/Config/ConfigurationDocTests.cs; run the tests with BROOK_UPDATE_DOCS=1 to refresh. -->

            Brook reads a Kafka-style `server.properties` (plus `BROOK_*` environment variables and `--key=value` flags; see
            `brook --help`). It knows every broker key of Kafka 4.1, so a Kafka configuration loads unchanged; unknown keys are
            a warning, invalid values stop the broker. Keys marked **no effect** are accepted, validated, stored and reported
            (DescribeConfigs says so in each key's documentation) but change nothing in Brook, usually because Brook has no
            such machinery (TLS, SASL, tiered storage, thread pools, replication between brokers, share or streams groups).

            ## Changing broker keys at run time

            AlterConfigs and IncrementalAlterConfigs on a broker resource work as in Kafka (KIP-226), with the update mode of
            each key below: **read-only** keys are refused ("Cannot update these configs dynamically", INVALID_CONFIG),
            **per-broker** keys may be set only on a broker's own resource (its node id; on the cluster default, the empty
            name, Kafka's refusal "Cannot update these configs at default cluster level, broker id must be specified" comes
            back as INVALID_REQUEST), **cluster-wide** keys on either. Dynamic values are metadata records: they apply at once
            and survive restarts; a broker's own value wins over the cluster default, which wins over `server.properties`.
            Unknown names are refused ("Unknown broker config name").

            Kafka's further rules are kept: thread counts (`num.io.threads`, `num.network.threads`, `num.replica.fetchers`,
            `num.recovery.threads.per.data.dir`, `background.threads`, `log.cleaner.threads`) may change by at most a factor
            of two per update, and TLS key-store keys (`ssl.keystore.*`, `ssl.truststore.*`, `ssl.key.password`) only with a
            listener prefix, which Brook does not support, so they cannot change at run time (both INVALID_REQUEST).

            Where Brook differs from Kafka 4.1: `listeners` and `listener.security.protocol.map` are read-only (Brook cannot
            rebind its listeners without a restart); every broker default of a topic key is cluster-wide, including the
            hour and minute spellings (`log.retention.hours`, `log.roll.hours`, ...) that Kafka makes read-only; Kafka answers
            INVALID_REQUEST for all of these refusals, Brook INVALID_CONFIG for unknown, read-only and invalid values.
            Among the dynamic keys, those with an effect apply at run time: the topic defaults (to every partition without an
            override), `producer.id.expiration.ms` and `log.cleaner.backoff.ms`.

            ## Topic keys Kafka 4.0 removed

            `message.format.version`, `message.timestamp.difference.max.ms` and `message.downconversion.enable` (and their
            broker defaults `log.message.format.version`, `log.message.timestamp.difference.max.ms`,
            `log.message.downconversion.enable`) were removed in Kafka 4.0 but are still sent by tools written for 3.x.
            Brook validates them as Kafka 3.9 did (`message.format.version` must be a Kafka metadata version such as `0.10.0`,
            `0.10.0-IV1`, `2.8` or `3.0-IV1`; longer release numbers such as `0.10.0.1` are read by their leading part),
            stores and describes them, and logs once per key and process that they have no effect.


            """);
        sb.AppendLine("## Broker keys");
        sb.AppendLine();
        sb.AppendLine("| Key | Type | Default | Update mode | In Brook | Description |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (ConfigDef def in BrokerConfigDefs.All.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            sb.Append("| `").Append(def.Name).Append("` | ").Append(def.Type.ToString().ToUpperInvariant())
              .Append(" | ").Append(DefaultCell(def))
              .Append(" | ").Append(Mode(BrokerConfigDefs.UpdateModeOf(def.Name)))
              .Append(" | ").Append(BrokerConfigDefs.HasNoEffect(def.Name) ? "**no effect**" : "applies")
              .Append(" | ").Append(Cell(def.Documentation)).AppendLine(" |");
        }

        sb.AppendLine();
        sb.AppendLine("## Topic keys");
        sb.AppendLine();
        sb.AppendLine("Set with CreateTopics or AlterConfigs on a topic; a topic without an override takes the broker default.");
        sb.AppendLine();
        sb.AppendLine("| Key | Type | Default | Broker default | In Brook | Description |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (ConfigDef def in TopicConfigDefs.All.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            IReadOnlyList<ConfigDef> brokerKeys = BrokerConfigDefs.SynonymsOfTopicKey(def.Name);
            bool noEffect = brokerKeys.Count > 0 && BrokerConfigDefs.HasNoEffect(brokerKeys[0].Name);
            sb.Append("| `").Append(def.Name).Append("` | ").Append(def.Type.ToString().ToUpperInvariant())
              .Append(" | ").Append(DefaultCell(def))
              .Append(" | ").Append(string.Join(", ", brokerKeys.Select(k => "`" + k.Name + "`")))
              .Append(" | ").Append(noEffect ? "**no effect**" : "applies")
              .Append(" | ").Append(Cell(def.Documentation)).AppendLine(" |");
        }

        return sb.ToString();
    }
}
