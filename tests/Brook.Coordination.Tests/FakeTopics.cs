using Brook.Common;

namespace Brook.Coordination.Tests;

/// <summary>A mutable in-memory topic catalogue standing in for the broker's metadata image.</summary>
public sealed class FakeTopics : ITopicMetadataSource
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (Uuid Id, int Partitions)> _byName = new(StringComparer.Ordinal);

    public Uuid Add(string name, int partitions)
    {
        lock (_lock)
        {
            var id = Uuid.NewRandom();
            _byName[name] = (id, partitions);
            return id;
        }
    }

    public void SetPartitions(string name, int partitions)
    {
        lock (_lock) _byName[name] = (_byName[name].Id, partitions);
    }

    public void Remove(string name)
    {
        lock (_lock) _byName.Remove(name);
    }

    public Uuid IdOf(string name)
    {
        lock (_lock) return _byName[name].Id;
    }

    public bool TryGetTopic(string name, out Uuid id, out int partitions)
    {
        lock (_lock)
        {
            var found = _byName.TryGetValue(name, out var t);
            id = t.Id;
            partitions = t.Partitions;
            return found;
        }
    }

    public bool TryGetTopic(Uuid id, out string name, out int partitions)
    {
        lock (_lock)
        {
            foreach (var (n, t) in _byName)
            {
                if (t.Id != id) continue;
                name = n;
                partitions = t.Partitions;
                return true;
            }
        }
        name = "";
        partitions = 0;
        return false;
    }

    public IEnumerable<string> TopicNames
    {
        get { lock (_lock) return _byName.Keys.ToList(); }
    }
}
