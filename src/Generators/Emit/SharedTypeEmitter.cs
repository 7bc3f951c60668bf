using MessageContracts.Generators.Model;

namespace MessageContracts.Generators.Emit
{
    /// <summary>
    /// Emits the codec of one message part or enum that the whole assembly can see, once per compilation, into
    /// <c>MessageContracts.Generated.JsonParts</c>: every contract that uses the type calls it, instead of carrying a
    /// copy of its own.
    /// </summary>
    internal static class SharedTypeEmitter
    {
        public static string HintName(SharedTypeSpec spec) =>
            CodecEmitter.SharedNamespace + "." + CodecEmitter.SharedTypeName(spec.FullyQualifiedName) + ".g.cs";

        public static string Emit(SharedTypeSpec spec)
        {
            var w = new SourceWriter();
            w.WriteLine(EmitHelpers.Header);
            w.WriteLine(EmitHelpers.Pragmas);
            w.WriteLine();
            w.WriteLine("namespace " + CodecEmitter.SharedNamespace);
            w.OpenBlock();
            var codecs = new CodecEmitter(w, CodecEmitter.SharedCodec);
            var className = CodecEmitter.SharedTypeName(spec.FullyQualifiedName);
            if (spec.Part is { } part)
            {
                codecs.EmitPartCodec(part, className, "internal");
            }
            else
            {
                codecs.EmitEnumCodec(spec.Enum!, className, "internal");
            }

            w.CloseBlock();
            return w.ToString();
        }
    }
}
