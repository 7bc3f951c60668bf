using System.Globalization;
using MessageContracts.RabbitMQ.Management;

namespace MessageContracts.RabbitMQ.Topology;

/// <summary>
/// Compares a declared exchange or queue with the broker's definition, setting by setting, and says in one line per
/// setting what differs: <c>queue 'orders.billing': argument x-delivery-limit: declared 20, broker has 5</c>.
/// Anything the broker holds that was not declared counts too (the broker would refuse the declare all the same).
/// </summary>
internal static class TopologyComparer
{
    private const string None = "(none)";

    public static IEnumerable<string> Compare(ExchangeDeclaration declared, BrokerEntity broker)
    {
        var entity = $"exchange '{declared.Name}'";
        if (!string.Equals(declared.Type, broker.Type, StringComparison.Ordinal))
        {
            yield return $"{entity}: type: declared {declared.Type}, broker has {broker.Type ?? None}";
        }

        foreach (var difference in CompareFlagsAndArguments(entity, declared.Arguments, broker))
        {
            yield return difference;
        }
    }

    public static IEnumerable<string> Compare(QueueDeclaration declared, BrokerEntity broker) =>
        CompareFlagsAndArguments($"queue '{declared.Name}'", declared.Arguments, broker);

    /// <summary>The invariant text of an argument's value, as the management API shows it.</summary>
    public static string Render(object? value) => value switch
    {
        null => "null",
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static IEnumerable<string> CompareFlagsAndArguments(string entity, IReadOnlyDictionary<string, object?> declared, BrokerEntity broker)
    {
        if (!broker.Durable)
        {
            yield return $"{entity}: durable: declared true, broker has false";
        }

        if (broker.AutoDelete)
        {
            yield return $"{entity}: auto-delete: declared false, broker has true";
        }

        foreach (var name in declared.Keys.Union(broker.Arguments.Keys).Order(StringComparer.Ordinal))
        {
            var declaredValue = declared.TryGetValue(name, out var value) ? Render(value) : null;
            var brokerValue = broker.Arguments.TryGetValue(name, out var held) ? held : null;
            if (!string.Equals(declaredValue, brokerValue, StringComparison.Ordinal))
            {
                yield return $"{entity}: argument {name}: declared {declaredValue ?? None}, broker has {brokerValue ?? None}";
            }
        }
    }
}
