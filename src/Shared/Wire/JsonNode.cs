using System;
using System.Collections.Generic;

namespace MessageContracts.Shared.Wire
{
    /// <summary>The kind of a <see cref="JsonNode"/>.</summary>
    internal enum JsonKind
    {
        Object,
        Array,
        String,
        Number,
        True,
        False,
        Null,
    }

    /// <summary>
    /// A parsed JSON value. The generator, the analyzers, the code fixes and the build task all run on
    /// netstandard2.0 inside hosts that may not carry System.Text.Json, so the contract documents use this small
    /// tree instead. Object members keep their order, so a written document is exactly as built.
    /// </summary>
    internal sealed class JsonNode
    {
        private JsonNode(JsonKind kind, string? text, List<KeyValuePair<string, JsonNode>>? properties, List<JsonNode>? items, int line)
        {
            Kind = kind;
            Text = text;
            Properties = properties;
            Items = items;
            Line = line;
        }

        public JsonKind Kind { get; }

        /// <summary>A string's value, or a number's text as written.</summary>
        public string? Text { get; }

        /// <summary>An object's members, in order.</summary>
        public List<KeyValuePair<string, JsonNode>>? Properties { get; }

        /// <summary>An array's items.</summary>
        public List<JsonNode>? Items { get; }

        /// <summary>The 1-based line the value starts on when parsed (0 when built in code): where to report a problem with it.</summary>
        public int Line { get; }

        public static JsonNode Null { get; } = new(JsonKind.Null, null, null, null, 0);

        public static JsonNode NewObject(int line = 0) => new(JsonKind.Object, null, new List<KeyValuePair<string, JsonNode>>(), null, line);

        public static JsonNode NewArray(int line = 0) => new(JsonKind.Array, null, null, new List<JsonNode>(), line);

        public static JsonNode String(string value, int line = 0) => new(JsonKind.String, value, null, null, line);

        public static JsonNode Number(string text, int line = 0) => new(JsonKind.Number, text, null, null, line);

        public static JsonNode Bool(bool value, int line = 0) => new(value ? JsonKind.True : JsonKind.False, null, null, null, line);

        /// <summary>Adds a member to an object and returns the object, for chaining.</summary>
        public JsonNode Add(string name, JsonNode value)
        {
            Properties!.Add(new KeyValuePair<string, JsonNode>(name, value));
            return this;
        }

        public JsonNode Add(string name, string value) => Add(name, String(value));

        public JsonNode Add(string name, bool value) => Add(name, Bool(value));

        /// <summary>Adds an item to an array and returns the array.</summary>
        public JsonNode Append(JsonNode item)
        {
            Items!.Add(item);
            return this;
        }

        /// <summary>The member <paramref name="name"/> of an object (the last one, like most readers), or <see langword="null"/>.</summary>
        public JsonNode? Get(string name)
        {
            if (Properties is null)
            {
                return null;
            }

            for (var i = Properties.Count - 1; i >= 0; i--)
            {
                if (string.Equals(Properties[i].Key, name, StringComparison.Ordinal))
                {
                    return Properties[i].Value;
                }
            }

            return null;
        }

        public bool IsScalar => Kind is not (JsonKind.Object or JsonKind.Array);
    }
}
