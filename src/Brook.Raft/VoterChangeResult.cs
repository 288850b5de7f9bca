using Brook.Common;

namespace Brook.Raft;

/// <summary>
/// Outcome of a voter change asked of the leader (KIP-853): refused with an error, or appended as a voters record at
/// <see cref="Offset"/> in <see cref="Epoch"/> (done once that offset commits), or already in effect (Offset -1).
/// </summary>
public readonly record struct VoterChangeResult(ErrorCode Error, string? Message, long Offset, int Epoch)
{
    public bool IsAppended => Error == ErrorCode.None && Offset >= 0;

    public static VoterChangeResult Refused(ErrorCode error, string message) => new(error, message, -1, -1);
}
