using Brook.Protocol;

namespace Brook.Metadata.Records;

/// <summary>
/// One entry of the cluster metadata log. The cluster state is nothing but the replay of these records in offset order,
/// so every record describes a complete change and is applied without looking at anything but the image before it.
/// </summary>
public abstract record MetadataRecord
{
    /// <summary>The type tag written before the record's fields.</summary>
    public abstract MetadataRecordType Type { get; }

    /// <summary>The layout version this build writes; readers accept this version and older ones.</summary>
    public virtual short Version => 0;

    /// <summary>Writes the record's fields (not its type/version header) with a flexible writer.</summary>
    internal abstract void WriteFields(ProtocolWriter writer);
}
