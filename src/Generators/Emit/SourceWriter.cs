using System;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace MessageContracts.Generators.Emit
{
    /// <summary>An indenting text writer for generated C#: four spaces per level, <c>\n</c> line endings.</summary>
    internal sealed class SourceWriter
    {
        private const string IndentUnit = "    ";
        private readonly StringBuilder builder = new();
        private int indentation;

        public int Indentation
        {
            get => indentation;
            set
            {
                if (value < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(value));
                }

                indentation = value;
            }
        }

        /// <summary>Writes <c>{</c> and indents.</summary>
        public void OpenBlock()
        {
            WriteLine("{");
            indentation++;
        }

        /// <summary>Unindents and writes <c>}</c> followed by <paramref name="suffix"/>.</summary>
        public void CloseBlock(string suffix = "")
        {
            indentation--;
            WriteLine("}" + suffix);
        }

        /// <summary>Writes a line at the current indentation; a multi-line string is indented line by line.</summary>
        public void WriteLine(string text)
        {
            if (text.IndexOf('\n') < 0)
            {
                WriteIndentedLine(text);
                return;
            }

            foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
            {
                WriteIndentedLine(line);
            }
        }

        public void WriteLine() => builder.Append('\n');

        public SourceText ToSourceText() => SourceText.From(builder.ToString(), Encoding.UTF8);

        public override string ToString() => builder.ToString();

        private void WriteIndentedLine(string line)
        {
            if (line.Length > 0)
            {
                for (var i = 0; i < indentation; i++)
                {
                    builder.Append(IndentUnit);
                }

                builder.Append(line);
            }

            builder.Append('\n');
        }
    }
}
