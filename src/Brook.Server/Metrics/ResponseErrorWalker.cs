using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Brook.Protocol;

namespace Brook.Server.Metrics;

/// <summary>
/// Finds every error code in a response of any API — the top-level one and those of its topics, partitions, groups
/// or members — the way Kafka's <c>AbstractResponse.errorCounts()</c> does for ErrorsPerSec. The shape of each
/// message type is read once by reflection (its <c>ErrorCode</c> / <c>PartitionErrorCode</c> properties and its
/// nested protocol objects and lists; side codes such as CreateTopics' TopicConfigErrorCode are not errors of the
/// request and are left out, as Kafka leaves them); Produce and Fetch, the hot APIs, are counted by
/// <see cref="ResponseErrors"/> without it.
/// </summary>
public static class ResponseErrorWalker
{
    private static readonly Assembly ProtocolAssembly = typeof(IMessage).Assembly;
    private static readonly ConcurrentDictionary<Type, Shape> Shapes = new();

    /// <summary>Calls <paramref name="found"/> with each error code in <paramref name="message"/>, in no set order.</summary>
    public static void Walk(object message, Action<short> found)
    {
        var shape = ShapeOf(message.GetType());
        foreach (var code in shape.Codes) found((short)code.GetValue(message)!);
        foreach (var child in shape.Children)
        {
            switch (child.GetValue(message))
            {
                case null: break;
                case string: break;
                case IEnumerable items:
                    foreach (var item in items)
                        if (item is not null) Walk(item, found);
                    break;
                case var single: Walk(single, found); break;
            }
        }
    }

    /// <summary>The error-code properties and the nested protocol objects of a type.</summary>
    private sealed record Shape(PropertyInfo[] Codes, PropertyInfo[] Children);

    private static Shape ShapeOf(Type type) => Shapes.GetOrAdd(type, ReadShape);

    // Brook.Protocol is a trimmer root of the published binary (Brook.Host.csproj), so every message type keeps its
    // properties under trimming and Native AOT, and reading them here is safe.
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Brook.Protocol is rooted: its types keep their public properties.")]
    private static Shape ReadShape(Type t)
    {
        var properties = t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray();
        var codes = properties.Where(p => p.PropertyType == typeof(short) && p.Name is "ErrorCode" or "PartitionErrorCode").ToArray();
        var children = properties.Where(p => HoldsProtocolObjects(p.PropertyType)).ToArray();
        return new Shape(codes, children);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Brook.Protocol is rooted: its types keep their interfaces.")]
    private static bool HoldsProtocolObjects(Type type)
    {
        if (IsProtocolObject(type)) return true;
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type)) return false;
        var element = type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        return element is not null && IsProtocolObject(element);
    }

    private static bool IsProtocolObject(Type type) => type.IsClass && type != typeof(string) && type.Assembly == ProtocolAssembly;
}
