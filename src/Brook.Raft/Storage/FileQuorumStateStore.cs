using System.Text.Json;
using Brook.Storage.IO;

namespace Brook.Raft.Storage;

/// <summary>
/// The quorum-state file beside the metadata log (KIP-595): a small JSON document with the epoch, the leader known in
/// it and the vote cast in it, in Kafka's field names. Replaced atomically and fsynced before <see cref="Write"/>
/// returns, so a vote is durable before it is sent.
/// </summary>
public sealed class FileQuorumStateStore(string directory, ILogFileSystem? fileSystem = null) : IQuorumStateStore
{
    public const string FileName = "quorum-state";
    /// <summary>Kafka's data_version for this layout (static voters, no directory ids).</summary>
    private const int DataVersion = 0;

    private readonly ILogFileSystem _fs = fileSystem ?? PhysicalLogFileSystem.Instance;

    public string FilePath => Path.Combine(directory, FileName);

    public ElectionState? Read()
    {
        var bytes = AtomicFile.Read(_fs, FilePath);
        if (bytes is null) return null;
        QuorumStateDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, QuorumStateJsonContext.Default.QuorumStateDocument);
        }
        catch (JsonException e)
        {
            // A torn or foreign file must stop the node: starting over at epoch 0 could vote twice in an epoch.
            throw new InvalidDataException($"{FilePath} is not a valid quorum-state file", e);
        }
        if (document is null || document.LeaderEpoch < 0) throw new InvalidDataException($"{FilePath} is not a valid quorum-state file");
        return new ElectionState(document.LeaderEpoch, document.LeaderId, document.VotedId);
    }

    public void Write(ElectionState state)
    {
        _fs.CreateDirectory(directory);
        var document = new QuorumStateDocument
        {
            LeaderId = state.LeaderId,
            LeaderEpoch = state.Epoch,
            VotedId = state.VotedId,
            DataVersion = DataVersion,
        };
        AtomicFile.Write(_fs, directory, FileName, JsonSerializer.SerializeToUtf8Bytes(document, QuorumStateJsonContext.Default.QuorumStateDocument));
    }
}
