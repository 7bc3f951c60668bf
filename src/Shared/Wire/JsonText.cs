using System;
using System.Globalization;
using System.Text;

namespace MessageContracts.Shared.Wire
{
    /// <summary>A JSON text that cannot be read, with the line and column of the problem.</summary>
    internal sealed class JsonFormatException : Exception
    {
        public JsonFormatException(string message, int line, int column)
            : base(message + " (line " + line.ToString(CultureInfo.InvariantCulture) + ", column " + column.ToString(CultureInfo.InvariantCulture) + ")")
        {
            Line = line;
            Column = column;
            Reason = message;
        }

        public int Line { get; }

        public int Column { get; }

        /// <summary>What is wrong, without the position.</summary>
        public string Reason { get; }
    }

    /// <summary>Reads and writes <see cref="JsonNode"/> trees (RFC 8259; no comments, no trailing commas).</summary>
    internal static class JsonText
    {
        private const int MaxDepth = 64;

        /// <summary>Parses one JSON value; anything but white space after it is an error.</summary>
        public static JsonNode Parse(string text)
        {
            var reader = new Reader(text);
            reader.SkipWhiteSpace();
            var value = reader.ReadValue(0);
            reader.SkipWhiteSpace();
            if (!reader.AtEnd)
            {
                throw reader.Error("unexpected text after the JSON value");
            }

            return value;
        }

        /// <summary>Writes <paramref name="node"/> on one line with no spaces.</summary>
        public static string WriteCompact(JsonNode node)
        {
            var builder = new StringBuilder();
            WriteCompact(builder, node, spaced: false);
            return builder.ToString();
        }

        /// <summary>
        /// Writes <paramref name="node"/> for people and diffs: two-space indentation, <c>\n</c> line ends, a final
        /// line end, and every object or array whose values are all scalars (or arrays of scalars) on one line, so one
        /// contract member is one line of the file.
        /// </summary>
        public static string WriteReadable(JsonNode node)
        {
            var builder = new StringBuilder();
            WriteReadable(builder, node, 0);
            builder.Append('\n');
            return builder.ToString();
        }

        private static bool IsFlat(JsonNode node)
        {
            if (node.Kind == JsonKind.Object)
            {
                foreach (var property in node.Properties!)
                {
                    if (!property.Value.IsScalar && !(property.Value.Kind == JsonKind.Array && AllScalar(property.Value)))
                    {
                        return false;
                    }
                }

                return true;
            }

            return node.Kind != JsonKind.Array || AllScalar(node);
        }

        private static bool AllScalar(JsonNode array)
        {
            foreach (var item in array.Items!)
            {
                if (!item.IsScalar)
                {
                    return false;
                }
            }

            return true;
        }

        private static void WriteReadable(StringBuilder builder, JsonNode node, int depth)
        {
            if (node.IsScalar || IsFlat(node) || (node.Properties?.Count ?? node.Items!.Count) == 0)
            {
                WriteCompact(builder, node, spaced: true);
                return;
            }

            var isObject = node.Kind == JsonKind.Object;
            builder.Append(isObject ? '{' : '[');
            var count = isObject ? node.Properties!.Count : node.Items!.Count;
            for (var i = 0; i < count; i++)
            {
                builder.Append('\n').Append(' ', (depth + 1) * 2);
                if (isObject)
                {
                    WriteString(builder, node.Properties![i].Key);
                    builder.Append(": ");
                    WriteReadable(builder, node.Properties[i].Value, depth + 1);
                }
                else
                {
                    WriteReadable(builder, node.Items![i], depth + 1);
                }

                if (i < count - 1)
                {
                    builder.Append(',');
                }
            }

            builder.Append('\n').Append(' ', depth * 2).Append(isObject ? '}' : ']');
        }

        private static void WriteCompact(StringBuilder builder, JsonNode node, bool spaced)
        {
            switch (node.Kind)
            {
                case JsonKind.Object:
                    builder.Append(spaced && node.Properties!.Count > 0 ? "{ " : "{");
                    for (var i = 0; i < node.Properties!.Count; i++)
                    {
                        if (i > 0)
                        {
                            builder.Append(spaced ? ", " : ",");
                        }

                        WriteString(builder, node.Properties[i].Key);
                        builder.Append(spaced ? ": " : ":");
                        WriteCompact(builder, node.Properties[i].Value, spaced);
                    }

                    builder.Append(spaced && node.Properties.Count > 0 ? " }" : "}");
                    break;
                case JsonKind.Array:
                    builder.Append('[');
                    for (var i = 0; i < node.Items!.Count; i++)
                    {
                        if (i > 0)
                        {
                            builder.Append(spaced ? ", " : ",");
                        }

                        WriteCompact(builder, node.Items[i], spaced);
                    }

                    builder.Append(']');
                    break;
                case JsonKind.String:
                    WriteString(builder, node.Text!);
                    break;
                case JsonKind.Number:
                    builder.Append(node.Text);
                    break;
                case JsonKind.True:
                    builder.Append("true");
                    break;
                case JsonKind.False:
                    builder.Append("false");
                    break;
                default:
                    builder.Append("null");
                    break;
            }
        }

        /// <summary>Writes a JSON string literal; only the characters JSON requires are escaped.</summary>
        public static void WriteString(StringBuilder builder, string value)
        {
            builder.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    case '\b': builder.Append("\\b"); break;
                    case '\f': builder.Append("\\f"); break;
                    default:
                        if (c < 0x20)
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            builder.Append('"');
        }

        private sealed class Reader
        {
            private readonly string text;
            private int position;
            private int line = 1;
            private int lineStart;

            public Reader(string text) => this.text = text;

            public bool AtEnd => position >= text.Length;

            public JsonFormatException Error(string message) => new(message, line, position - lineStart + 1);

            public void SkipWhiteSpace()
            {
                while (position < text.Length)
                {
                    var c = text[position];
                    if (c == '\n')
                    {
                        line++;
                        lineStart = position + 1;
                    }
                    else if (c != ' ' && c != '\t' && c != '\r' && c != '\uFEFF')
                    {
                        return;
                    }

                    position++;
                }
            }

            public JsonNode ReadValue(int depth)
            {
                if (depth > MaxDepth)
                {
                    throw Error("the JSON is nested too deeply");
                }

                if (AtEnd)
                {
                    throw Error("unexpected end of the text");
                }

                var startLine = line;
                switch (text[position])
                {
                    case '{':
                        return ReadObject(depth, startLine);
                    case '[':
                        return ReadArray(depth, startLine);
                    case '"':
                        return JsonNode.String(ReadString(), startLine);
                    case 't':
                        Expect("true");
                        return JsonNode.Bool(true, startLine);
                    case 'f':
                        Expect("false");
                        return JsonNode.Bool(false, startLine);
                    case 'n':
                        Expect("null");
                        return JsonNode.Null;
                    default:
                        return JsonNode.Number(ReadNumber(), startLine);
                }
            }

            private JsonNode ReadObject(int depth, int startLine)
            {
                var node = JsonNode.NewObject(startLine);
                position++;
                SkipWhiteSpace();
                if (!AtEnd && text[position] == '}')
                {
                    position++;
                    return node;
                }

                while (true)
                {
                    SkipWhiteSpace();
                    if (AtEnd || text[position] != '"')
                    {
                        throw Error("expected a member name in double quotes");
                    }

                    var name = ReadString();
                    SkipWhiteSpace();
                    if (AtEnd || text[position] != ':')
                    {
                        throw Error("expected ':' after the member name");
                    }

                    position++;
                    SkipWhiteSpace();
                    node.Add(name, ReadValue(depth + 1));
                    SkipWhiteSpace();
                    if (AtEnd)
                    {
                        throw Error("unexpected end of the text inside an object");
                    }

                    if (text[position] == ',')
                    {
                        position++;
                        continue;
                    }

                    if (text[position] == '}')
                    {
                        position++;
                        return node;
                    }

                    throw Error("expected ',' or '}' in an object");
                }
            }

            private JsonNode ReadArray(int depth, int startLine)
            {
                var node = JsonNode.NewArray(startLine);
                position++;
                SkipWhiteSpace();
                if (!AtEnd && text[position] == ']')
                {
                    position++;
                    return node;
                }

                while (true)
                {
                    SkipWhiteSpace();
                    node.Append(ReadValue(depth + 1));
                    SkipWhiteSpace();
                    if (AtEnd)
                    {
                        throw Error("unexpected end of the text inside an array");
                    }

                    if (text[position] == ',')
                    {
                        position++;
                        continue;
                    }

                    if (text[position] == ']')
                    {
                        position++;
                        return node;
                    }

                    throw Error("expected ',' or ']' in an array");
                }
            }

            private void Expect(string literal)
            {
                if (string.CompareOrdinal(text, position, literal, 0, literal.Length) != 0)
                {
                    throw Error("unexpected character '" + text[position] + "'");
                }

                position += literal.Length;
            }

            private string ReadNumber()
            {
                var start = position;
                if (text[position] == '-')
                {
                    position++;
                }

                var digits = 0;
                while (!AtEnd && (char.IsDigit(text[position]) || text[position] is '.' or 'e' or 'E' or '+' or '-'))
                {
                    position++;
                    digits++;
                }

                if (digits == 0)
                {
                    throw Error("unexpected character '" + (AtEnd ? ' ' : text[position]) + "'");
                }

                var number = text.Substring(start, position - start);
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw Error("'" + number + "' is not a number");
                }

                return number;
            }

            private string ReadString()
            {
                position++; // the opening quote

                // Most strings have no escapes: taken as they are, without a builder (the model and the baseline are
                // about 1 MB each, read on every build). Anything else goes the general way below, from the start.
                var start = position;
                for (var end = position; end < text.Length; end++)
                {
                    var c = text[end];
                    if (c == '"')
                    {
                        position = end + 1;
                        return text.Substring(start, end - start);
                    }

                    if (c == '\\' || c < 0x20)
                    {
                        break;
                    }
                }

                var builder = new StringBuilder();
                while (true)
                {
                    if (AtEnd)
                    {
                        throw Error("a string is not closed");
                    }

                    var c = text[position++];
                    if (c == '"')
                    {
                        return builder.ToString();
                    }

                    if (c < 0x20)
                    {
                        throw Error("a control character in a string must be escaped");
                    }

                    if (c != '\\')
                    {
                        builder.Append(c);
                        continue;
                    }

                    if (AtEnd)
                    {
                        throw Error("a string is not closed");
                    }

                    var escaped = text[position++];
                    switch (escaped)
                    {
                        case '"': builder.Append('"'); break;
                        case '\\': builder.Append('\\'); break;
                        case '/': builder.Append('/'); break;
                        case 'b': builder.Append('\b'); break;
                        case 'f': builder.Append('\f'); break;
                        case 'n': builder.Append('\n'); break;
                        case 'r': builder.Append('\r'); break;
                        case 't': builder.Append('\t'); break;
                        case 'u':
                            if (position + 4 > text.Length ||
                                !int.TryParse(text.Substring(position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                            {
                                throw Error("a \\u escape needs four hexadecimal digits");
                            }

                            builder.Append((char)code);
                            position += 4;
                            break;
                        default:
                            throw Error("unknown escape '\\" + escaped + "'");
                    }
                }
            }
        }
    }
}
