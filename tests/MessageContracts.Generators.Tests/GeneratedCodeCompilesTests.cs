using MessageContracts.Generators.Tests.Infrastructure;

namespace MessageContracts.Generators.Tests;

/// <summary>The generated code compiles, with no error and no warning, for every contract and handler shape.</summary>
public sealed class GeneratedCodeCompilesTests
{
    [Fact]
    public void Positional_record_in_file_scoped_namespace()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using MessageContracts;

            namespace Shop;

            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, string CustomerId, decimal Total);
            """).AssertCleanCompile();

        Assert.Equal(["Shop.OrderPlaced.Contract.g.cs"], run.HintNames);
    }

    [Fact]
    public void Nominal_record_with_init_properties_in_block_namespace()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using MessageContracts;

            namespace Shop.Billing
            {
                [Command]
                public sealed partial record IssueInvoice
                {
                    [PartitionKey]
                    public required string InvoiceId { get; init; }
                    public string Currency { get; init; } = "EUR";
                    public string? Note { get; init; }
                    public int Lines { get; set; }
                    public List<string> Tags { get; set; } = new();
                    public decimal Total => 0m;
                }
            }
            """).AssertCleanCompile();

        Assert.Equal(["Shop.Billing.IssueInvoice.Contract.g.cs"], run.HintNames);
    }

    [Fact]
    public void Record_structs_readonly_and_mutable()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using MessageContracts;

            namespace Shop;

            [Event]
            public readonly partial record struct PriceChanged([PartitionKey] string Sku, decimal Price);

            [Event]
            public partial record struct StockCounted
            {
                [PartitionKey] public int WarehouseId { get; init; }
                public long Count { get; set; }
            }
            """).AssertCleanCompile();

        Assert.Equal(["Shop.PriceChanged.Contract.g.cs", "Shop.StockCounted.Contract.g.cs"], run.HintNames);
    }

    [Fact]
    public void Nested_contracts_in_partial_types()
    {
        var run = GeneratorHarness.Run("""
            using MessageContracts;

            namespace Shop;

            public static partial class Orders
            {
                public partial class V2
                {
                    [Event]
                    public sealed partial record Shipped(string OrderId);
                }

                [Command]
                internal partial record struct Cancel(string OrderId);
            }
            """).AssertCleanCompile();

        Assert.Equal(["Shop.Orders.Cancel.Contract.g.cs", "Shop.Orders.V2.Shipped.Contract.g.cs"], run.HintNames);
        Assert.Contains("MessageType => \"Orders.V2.Shipped\"", run.Source("Shop.Orders.V2.Shipped.Contract.g.cs"));
        Assert.Contains("Topic => \"shipped\"", run.Source("Shop.Orders.V2.Shipped.Contract.g.cs"));
    }

    [Fact]
    public void Global_namespace_and_several_contracts_in_one_file()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using MessageContracts;

            [Event]
            public partial record UserRegistered(Guid UserId, string Email);

            [Event]
            public partial record UserDeleted(Guid UserId);

            [Command(Topic = "users.send-welcome")]
            public partial record SendWelcome([property: PartitionKey] Guid UserId);
            """).AssertCleanCompile();

        Assert.Equal(["SendWelcome.Contract.g.cs", "UserDeleted.Contract.g.cs", "UserRegistered.Contract.g.cs"], run.HintNames);
        Assert.Contains("Topic => \"users.send-welcome\"", run.Source("SendWelcome.Contract.g.cs"));
        Assert.Contains("MessageKind.Command", run.Source("SendWelcome.Contract.g.cs"));
        Assert.Contains("Topic => \"user-registered\"", run.Source("UserRegistered.Contract.g.cs"));
    }

    [Fact]
    public void Every_supported_member_type()
    {
        GeneratorHarness.Run("""
            #nullable enable
            using System;
            using System.Collections.Generic;
            using System.Collections.Immutable;
            using MessageContracts;

            namespace Shop;

            public enum Color { Red, Green, Blue = 5, Azure = 5 }

            [Flags]
            public enum Access : byte { None = 0, Read = 1, Write = 2 }

            public enum Keyword { @class, @event }

            public sealed record Address(string Street, string? City, int? Zip);

            public sealed class Line
            {
                public string Sku { get; set; } = "";
                public int Quantity { get; init; }
                public Address? ShipTo { get; set; }
            }

            public struct Money
            {
                public decimal Amount { get; set; }
                public string Currency { get; set; }
            }

            [Event]
            public sealed partial record Everything(
                bool A, byte B, sbyte C, short D, ushort E, int F, uint G, long H, ulong I, float J, double K, decimal L,
                string M, char N, Guid O, DateTime P, DateTimeOffset Q, DateOnly R, TimeOnly S, TimeSpan T,
                Color U, Access V, Keyword W,
                bool? NA, int? NF, Guid? NO, DateOnly? NR, Color? NU, char? NN,
                string? NM,
                int[] Arr, List<string> Lst, IReadOnlyList<Color> Rol, IReadOnlyCollection<int?> Roc, IEnumerable<string?> En,
                int[][] Jagged, List<List<Address>> Nested, byte[] Bytes, byte[]? MaybeBytes, string[]? MaybeArray,
                Address Home, Address? Work, List<Line> Lines, Money Price, Money? MaybePrice,
                IList<int> Il, ICollection<string?> Ic, HashSet<Color> Hs, ISet<string> Is, IReadOnlySet<Guid> Irs,
                ImmutableArray<int> Ia, ImmutableArray<Address?>? MaybeIa, ImmutableList<string?> Il2, IImmutableList<Money> Iil,
                Dictionary<string, int> Dict, IDictionary<string, Address?> IDict, IReadOnlyDictionary<string, List<int?>> RoDict,
                Dictionary<string, Dictionary<string, Color>>? NestedDict, Dictionary<string, string?> NullableValues,
                int WithDefault = 42, string Named = "x\"y", Color Fav = Color.Blue, double Ratio = 0.5, long Big = -1, decimal Amount = 1.25m, int? Opt = null)
            {
                public int @class { get; init; }
            }
            """).AssertCleanCompile();
    }

    [Fact]
    public void Oblivious_nullability_context()
    {
        GeneratorHarness.Run("""
            #nullable disable
            using System.Collections.Generic;
            using MessageContracts;

            namespace Legacy;

            public class Part { public string Name { get; set; } }

            [Event]
            public partial record Old(string Name, List<string> Items, Part Part, string[] Array, Dictionary<string, Part> Parts, System.Collections.Immutable.ImmutableArray<string> Tags);
            """).AssertCleanCompile();
    }

    [Fact]
    public void Type_override_sets_the_message_type_of_the_contract_and_in_the_module()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using MessageContracts;

            namespace Shop.Moved.Elsewhere;

            [Event(Type = "OrderPlaced")]
            public sealed partial record OrderSubmitted(string Id);

            [Command(Topic = "t", Type = "Say \"hi\" \\ é")]
            public sealed partial record Greet(string Id);

            public sealed class H : IMessageHandler<OrderSubmitted>, IMessageHandler<Greet>
            {
                public Task HandleAsync(OrderSubmitted message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Greet message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """).AssertCleanCompile();

        Assert.Contains("MessageType => \"OrderPlaced\"", run.Source("Shop.Moved.Elsewhere.OrderSubmitted.Contract.g.cs"));
        Assert.Contains("Topic => \"order-submitted\"", run.Source("Shop.Moved.Elsewhere.OrderSubmitted.Contract.g.cs"));
        Assert.Contains("MessageType => \"Say \\\"hi\\\" \\\\ é\"", run.Source("Shop.Moved.Elsewhere.Greet.Contract.g.cs"));
        var module = run.Source("MessageContracts.Module.g.cs");
        Assert.Contains("case \"OrderPlaced\":", module);
        Assert.Contains("new(\"order-submitted\", \"OrderPlaced\", global::MessageContracts.MessageKind.Event)", module);
    }

    [Fact]
    public void Type_override_of_a_contract_from_a_referenced_assembly()
    {
        var library = GeneratorHarness.Run("""
            using MessageContracts;

            namespace Contracts;

            [Event(Type = "Legacy.ThingHappened")]
            public sealed partial record ThingHappened(string Id);
            """).AssertCleanCompile();
        using var image = new MemoryStream();
        Assert.True(library.Output.Emit(image).Success);

        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(
            ["""
            using System.Threading;
            using System.Threading.Tasks;
            using MessageContracts;

            namespace App;

            public sealed class ThingHandler : IMessageHandler<Contracts.ThingHappened>
            {
                public Task HandleAsync(Contracts.ThingHappened message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """],
            assemblyName: "App",
            extraReferences: [Microsoft.CodeAnalysis.MetadataReference.CreateFromImage(image.ToArray())])).AssertCleanCompile();

        Assert.Contains("case \"Legacy.ThingHappened\":", run.Source("MessageContracts.Module.g.cs"));
    }

    [Fact]
    public void A_Type_override_that_collides_is_left_out_of_the_dispatch_switch()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using MessageContracts;

            [Event] public partial record OrderPlaced(int N);
            [Event(Type = "OrderPlaced")] public partial record OrderSubmitted(int N);
            [Event] public partial record Fine(int N);

            public sealed class H : IMessageHandler<OrderPlaced>, IMessageHandler<OrderSubmitted>, IMessageHandler<Fine>
            {
                public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(OrderSubmitted message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(Fine message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """).AssertCleanCompile();

        var module = run.Source("MessageContracts.Module.g.cs");
        Assert.DoesNotContain("OrderPlaced", module);
        Assert.DoesNotContain("OrderSubmitted", module);
        Assert.Contains("case \"Fine\":", module);
    }

    [Fact]
    public void Record_inheritance_and_required_members()
    {
        GeneratorHarness.Run("""
            using System.Diagnostics.CodeAnalysis;
            using MessageContracts;

            namespace Shop;

            public abstract record Envelope
            {
                public required string Tenant { get; init; }
            }

            [Event]
            public sealed partial record Derived(string Id) : Envelope;

            [Event]
            public sealed partial record WithSetsRequired : Envelope
            {
                [SetsRequiredMembers]
                public WithSetsRequired(string tenant, string id) { Tenant = tenant; Id = id; }

                public string Id { get; init; }
            }
            """).AssertCleanCompile();
    }

    [Fact]
    public void Obsolete_member_does_not_warn()
    {
        GeneratorHarness.Run("""
            using System;
            using MessageContracts;

            namespace Shop;

            [Event]
            public sealed partial record Legacy(string Id)
            {
                [Obsolete("use Id")]
                public string? OldId { get; init; }
            }
            """).AssertCleanCompile();
    }

    [Fact]
    public void Handler_with_constructor_dependencies_and_handler_of_two_messages()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using MessageContracts;

            namespace Shop;

            [Event]
            public sealed partial record OrderPlaced([property: PartitionKey] Guid OrderId, string CustomerId, decimal Total);

            [Command(Topic = "loyalty.grant-points")]
            public sealed partial record GrantPoints([property: PartitionKey] string CustomerId, int Points, Guid OrderId);

            public interface IClock { DateTimeOffset Now { get; } }

            [Idempotent]
            public sealed class GrantPointsHandler(IClock clock) : IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken)
                {
                    _ = clock.Now;
                    return Task.CompletedTask;
                }
            }

            [Idempotent]
            internal sealed class Auditor : IMessageHandler<OrderPlaced>, IMessageHandler<GrantPoints>
            {
                public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public abstract class HandlerBase<T> : IMessageHandler<T>
                where T : IMessageContract<T>
            {
                public Task HandleAsync(T message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }

            public sealed class ViaBase : HandlerBase<OrderPlaced>
            {
            }

            public static partial class Outer
            {
                public sealed class NestedHandler : IMessageHandler<OrderPlaced>
                {
                    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }

                private sealed class Hidden : IMessageHandler<OrderPlaced>
                {
                    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                }
            }
            """).AssertCleanCompile();

        var module = run.Source("MessageContracts.Module.g.cs");
        Assert.Contains("IMessageHandler<global::Shop.GrantPoints>, global::Shop.GrantPointsHandler>", module);
        Assert.Contains("IMessageHandler<global::Shop.OrderPlaced>, global::Shop.Auditor>", module);
        Assert.Contains("IMessageHandler<global::Shop.GrantPoints>, global::Shop.Auditor>", module);
        Assert.Contains("IMessageHandler<global::Shop.OrderPlaced>, global::Shop.ViaBase>", module);
        Assert.Contains("IMessageHandler<global::Shop.OrderPlaced>, global::Shop.Outer.NestedHandler>", module);
        Assert.DoesNotContain("Hidden", module);
        Assert.DoesNotContain("HandlerBase", module);
        Assert.Contains("new(\"loyalty.grant-points\", \"GrantPoints\", global::MessageContracts.MessageKind.Command)", module);
        Assert.Contains("new(\"order-placed\", \"OrderPlaced\", global::MessageContracts.MessageKind.Event)", module);
        Assert.True(module.IndexOf("\"GrantPoints\",", StringComparison.Ordinal) < module.IndexOf("\"OrderPlaced\",", StringComparison.Ordinal), "subscriptions are ordinal-sorted");
    }

    [Fact]
    public void No_handlers_means_no_module()
    {
        var run = GeneratorHarness.Run("""
            using MessageContracts;

            [Event]
            public partial record Ping(int N);
            """).AssertCleanCompile();

        Assert.Equal(["Ping.Contract.g.cs"], run.HintNames);
    }

    [Fact]
    public void Handler_of_a_contract_from_a_referenced_assembly()
    {
        var library = GeneratorHarness.Run("""
            using MessageContracts;

            namespace Contracts;

            [Event(Topic = "shared.thing-happened")]
            public sealed partial record ThingHappened(string Id);

            public static partial class Group
            {
                [Command]
                public sealed partial record DoIt(string Id);
            }
            """).AssertCleanCompile();
        using var image = new MemoryStream();
        var emit = library.Output.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var reference = Microsoft.CodeAnalysis.MetadataReference.CreateFromImage(image.ToArray());

        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(
            ["""
            using System.Threading;
            using System.Threading.Tasks;
            using MessageContracts;

            namespace App;

            public sealed class ThingHandler : IMessageHandler<Contracts.ThingHappened>, IMessageHandler<Contracts.Group.DoIt>
            {
                public Task HandleAsync(Contracts.ThingHappened message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;

                public Task HandleAsync(Contracts.Group.DoIt message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """],
            assemblyName: "App",
            extraReferences: [reference])).AssertCleanCompile();

        var module = run.Source("MessageContracts.Module.g.cs");
        Assert.Contains("new(\"shared.thing-happened\", \"ThingHappened\", global::MessageContracts.MessageKind.Event)", module);
        Assert.Contains("new(\"do-it\", \"Group.DoIt\", global::MessageContracts.MessageKind.Command)", module);
        Assert.Contains("case \"Group.DoIt\":", module);
        Assert.Contains("AssemblyName => \"App\"", module);
    }

    [Fact]
    public void Colliding_message_types_are_left_out_of_the_dispatch_switch()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using MessageContracts;

            namespace A { [Event] public partial record Same(int N); }
            namespace B { [Event(Topic = "other")] public partial record Same(int N); }
            namespace C { [Event] public partial record Fine(int N); }

            public sealed class H : IMessageHandler<A.Same>, IMessageHandler<B.Same>, IMessageHandler<C.Fine>
            {
                public Task HandleAsync(A.Same message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(B.Same message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
                public Task HandleAsync(C.Fine message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """).AssertCleanCompile();

        var module = run.Source("MessageContracts.Module.g.cs");
        Assert.DoesNotContain("Same", module);
        Assert.Contains("case \"Fine\":", module);
    }

    [Fact]
    public void Empty_contracts_contract_inheritance_and_unusual_containers()
    {
        var run = GeneratorHarness.Run("""
            using MessageContracts;

            namespace Shop;

            [Event]
            public partial record Empty;

            [Event]
            public partial record EmptyPositional();

            [Event]
            public partial record BaseEvent(int A);

            [Event]
            public sealed partial record DerivedEvent(int A, string B) : BaseEvent(A);

            public partial interface IHolder
            {
                [Command]
                public partial record InInterface(int N);
            }

            public readonly partial struct Holder
            {
                [Command]
                public partial record struct InStruct(int N);
            }

            public partial record struct RecordHolder
            {
                [Event]
                public partial record InRecordStruct(string @class, int @event);
            }
            """).AssertCleanCompile();

        Assert.Equal(7, run.HintNames.Count);
    }

    [Fact]
    public void Parts_and_enums_the_assembly_can_see_are_emitted_once_the_others_per_contract()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using MessageContracts;

            namespace Shop;

            public enum Channel { Web, Store }

            public sealed record Address(string Street, Channel Channel);

            internal readonly record struct Money(decimal Amount, string Currency);

            public partial class Orders
            {
                private enum Secret { A, B }

                private sealed record Note(string Text, Secret Secret, Address Where);

                protected internal sealed record Visible(int N);

                [Event]
                private sealed partial record Placed(Address ShipTo, Money Total, Note? Note, List<Note> Notes, Secret Level, Visible V);

                [Event]
                internal sealed partial record Moved(Address From, Address To, Money? Fee, Channel Channel);
            }

            [Command]
            internal sealed partial record Bill(Address To, Money Total);
            """).AssertCleanCompile();

        Assert.Equal(
            [
                "MessageContracts.Generated.JsonParts.Shop_Address.g.cs",
                "MessageContracts.Generated.JsonParts.Shop_Channel.g.cs",
                "MessageContracts.Generated.JsonParts.Shop_Money.g.cs",
                "MessageContracts.Generated.JsonParts.Shop_Orders_Visible.g.cs",
                "Shop.Bill.Contract.g.cs",
                "Shop.Orders.Moved.Contract.g.cs",
                "Shop.Orders.Placed.Contract.g.cs",
            ],
            run.HintNames);
        var placed = run.Source("Shop.Orders.Placed.Contract.g.cs");
        Assert.Contains("private static class Part0", placed);
        Assert.Contains("private static class Enum0", placed);
        Assert.Contains("global::MessageContracts.Generated.JsonParts.Shop_Address.Read(", placed);
        Assert.DoesNotContain("class Part", run.Source("Shop.Bill.Contract.g.cs"));
        Assert.Equal(
            "Shop_Orders_1Internal_Note_1_1x",
            MessageContracts.Generators.Emit.CodecEmitter.SharedTypeName("global::Shop.Orders_Internal.Note__x"));
    }

    [Fact]
    public void A_friend_assembly_with_parts_of_its_own_compiles_without_warnings()
    {
        var library = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(
            ["""
            using MessageContracts;

            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("App")]

            namespace Contracts;

            public sealed record Address(string Street);

            [Event]
            public sealed partial record Moved(Address To);
            """],
            assemblyName: "Contracts")).AssertCleanCompile();
        using var image = new MemoryStream();
        Assert.True(library.Output.Emit(image).Success);

        var run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(
            ["""
            using MessageContracts;

            namespace App;

            [Event]
            public sealed partial record Relocated(Contracts.Address To);
            """],
            assemblyName: "App",
            extraReferences: [Microsoft.CodeAnalysis.MetadataReference.CreateFromImage(image.ToArray())])).AssertCleanCompile();

        Assert.Contains("MessageContracts.Generated.JsonParts.Contracts_Address.g.cs", run.HintNames);
    }
}
