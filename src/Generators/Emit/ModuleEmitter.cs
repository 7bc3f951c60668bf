using MessageContracts.Generators.Model;
using MessageContracts.Shared;

namespace MessageContracts.Generators.Emit
{
    /// <summary>
    /// Emits the assembly's <c>GeneratedMessageModule</c> (handlers, subscriptions, dispatch switch) and the module
    /// initializer that registers it.
    /// </summary>
    /// <remarks>
    /// The module class is <c>file</c>-local: two assemblies with <c>InternalsVisibleTo</c> between them would
    /// otherwise both see an internal <c>MessageContracts.Generated.GeneratedMessageContractsModule</c> and the
    /// compiler would warn (CS0436) where the name is used.
    /// </remarks>
    internal static class ModuleEmitter
    {
        public const string HintName = "MessageContracts.Module.g.cs";
        private const string Infrastructure = "global::MessageContracts.Infrastructure";

        public static string Emit(ModuleSpec spec)
        {
            var w = new SourceWriter();
            var generatedCode = EmitHelpers.GeneratedCodeAttribute;
            w.WriteLine(EmitHelpers.Header);
            w.WriteLine("#pragma warning disable CA2255 // a module initializer is how a library registers its generated module");
            w.WriteLine();
            WriteHandledCommands(w, spec);
            w.WriteLine("namespace MessageContracts.Generated");
            w.OpenBlock();
            w.WriteLine("/// <summary>Registers this assembly's generated message module when the assembly loads.</summary>");
            w.WriteLine(generatedCode);
            w.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.WriteLine("internal static class MessageContractsModuleInitializer");
            w.OpenBlock();
            w.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
            w.WriteLine("internal static void Initialize() => " + Infrastructure + ".GeneratedMessageModules.Register(new GeneratedMessageContractsModule());");
            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("/// <summary>The message handlers of " + System.Security.SecurityElement.Escape(spec.AssemblyName) + " and the message types they handle.</summary>");
            w.WriteLine(generatedCode);
            w.WriteLine("file sealed class GeneratedMessageContractsModule : " + Infrastructure + ".GeneratedMessageModule");
            w.OpenBlock();
            w.WriteLine("private static readonly global::System.Collections.Generic.IReadOnlyList<" + Infrastructure + ".MessageSubscription> subscriptions = global::System.Array.AsReadOnly(new " + Infrastructure + ".MessageSubscription[]");
            w.OpenBlock();
            foreach (var message in spec.Messages)
            {
                var delivery = message.Delivery == ContractDelivery.AtMostOnce ? " { Delivery = global::MessageContracts.Delivery.AtMostOnce }" : string.Empty;
                w.WriteLine("new(" + EmitHelpers.Literal(message.Topic) + ", " + EmitHelpers.Literal(message.MessageType) + ", global::MessageContracts.MessageKind." + (message.Kind == ContractKind.Command ? "Command" : "Event") + ")" + delivery + ",");
            }

            w.CloseBlock(");");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public override string AssemblyName => " + EmitHelpers.Literal(spec.AssemblyName) + ";");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public override global::System.Collections.Generic.IReadOnlyList<" + Infrastructure + ".MessageSubscription> Subscriptions => subscriptions;");
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public override void RegisterHandlers(global::Microsoft.Extensions.DependencyInjection.IServiceCollection services)");
            w.OpenBlock();
            w.WriteLine("global::System.ArgumentNullException.ThrowIfNull(services);");
            foreach (var handler in spec.Handlers)
            {
                foreach (var message in handler.Messages)
                {
                    w.WriteLine("global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddEnumerable(");
                    w.WriteLine("    services,");
                    w.WriteLine("    global::Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Scoped<global::MessageContracts.IMessageHandler<" + message.FullyQualifiedName + ">, " + handler.FullyQualifiedName + ">());");
                }
            }

            w.CloseBlock();
            w.WriteLine();
            w.WriteLine("/// <inheritdoc/>");
            w.WriteLine("public override " + Infrastructure + ".MessageHandlerInvoker? FindInvoker(string messageType)");
            w.OpenBlock();
            w.WriteLine("switch (messageType)");
            w.OpenBlock();
            foreach (var message in spec.Messages)
            {
                w.WriteLine("case " + EmitHelpers.Literal(message.MessageType) + ":");
                w.WriteLine("    return " + Infrastructure + ".MessageDispatch.InvokeHandlersAsync<" + message.FullyQualifiedName + ">;");
            }

            w.WriteLine("default:");
            w.WriteLine("    return null;");
            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            w.CloseBlock();
            return w.ToString();
        }

        /// <summary>
        /// One <c>[assembly: HandlesMessage]</c> per handler and command: metadata that lets the MC0001 analyzer of a
        /// project referencing this assembly see a command handled here and in another referenced assembly.
        /// </summary>
        private static void WriteHandledCommands(SourceWriter w, ModuleSpec spec)
        {
            var any = false;
            foreach (var handler in spec.Handlers)
            {
                foreach (var message in handler.Messages)
                {
                    if (message.Kind == ContractKind.Command)
                    {
                        w.WriteLine("[assembly: " + Infrastructure + ".HandlesMessage(typeof(" + message.FullyQualifiedName + "), typeof(" + handler.FullyQualifiedName + "))]");
                        any = true;
                    }
                }
            }

            if (any)
            {
                w.WriteLine();
            }
        }
    }
}
