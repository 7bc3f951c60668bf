using System.Collections;
using System.Globalization;

namespace MessageContracts;

/// <summary>
/// The librdkafka settings the user gave for one client, from the string dictionary and the typed hooks together, with
/// where each came from, so that a check can say which line to change. The client applies them after the toolkit's
/// defaults; the options validator checks them first.
/// </summary>
internal sealed class ClientSettings : IEnumerable<KeyValuePair<string, string>>
{
    private readonly Dictionary<string, string> values;
    private readonly HashSet<string> setByHook;
    private readonly string dictionaryName;
    private readonly string hookName;

    private ClientSettings(Dictionary<string, string> values, HashSet<string> setByHook, string dictionaryName, string hookName)
    {
        this.values = values;
        this.setByHook = setByHook;
        this.dictionaryName = dictionaryName;
        this.hookName = hookName;
    }

    /// <summary>
    /// Runs <paramref name="hooks"/>, in order, on a config that holds <paramref name="dictionary"/>'s entries (a copy:
    /// the hooks cannot change the dictionary), and keeps what the config holds afterwards.
    /// </summary>
    public static ClientSettings Collect<TConfig>(
        IDictionary<string, string> dictionary,
        IReadOnlyList<Action<TConfig>> hooks,
        Func<IDictionary<string, string>, TConfig> createConfig,
        string dictionaryName,
        string hookName)
        where TConfig : IEnumerable<KeyValuePair<string, string>>
    {
        var values = new Dictionary<string, string>(dictionary, StringComparer.Ordinal);
        var setByHook = new HashSet<string>(StringComparer.Ordinal);
        if (hooks.Count > 0)
        {
            var config = createConfig(new Dictionary<string, string>(dictionary, StringComparer.Ordinal));
            foreach (var hook in hooks)
            {
                hook(config);
            }

            values.Clear();
            foreach (var (key, value) in config)
            {
                values[key] = value;
                if (!dictionary.TryGetValue(key, out var before) || before != value)
                {
                    setByHook.Add(key);
                }
            }
        }

        return new ClientSettings(values, setByHook, dictionaryName, hookName);
    }

    public bool ContainsKey(string key) => values.ContainsKey(key);

    public bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);

    /// <summary>The setting's value as a whole number, or null when it is absent or not one.</summary>
    public int? ReadInt(string key) =>
        values.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>Who sets <paramref name="key"/>, for an error: <c>MessageContractsOptions.ProducerSettings</c> or the hook.</summary>
    public string SourceOf(string key) =>
        setByHook.Contains(key) ? $"A MessageContractsOptions.{hookName} hook" : $"MessageContractsOptions.{dictionaryName}";

    /// <summary>The setting as an error names it: <c>MessageContractsOptions.ProducerSettings['key']</c> or "'key' (set by a ... hook)".</summary>
    public string Describe(string key) =>
        setByHook.Contains(key) ? $"'{key}' (set by a MessageContractsOptions.{hookName} hook)" : $"MessageContractsOptions.{dictionaryName}['{key}']";

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
