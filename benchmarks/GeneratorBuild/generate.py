#!/usr/bin/env python3
"""Writes the benchmark project: N contracts ([Event]/[Command]) and one [Idempotent] handler per contract.

Usage: generate.py OUT_DIR REPO_ROOT [--contracts N] [--per-file K] [--task-assembly PATH]

The output is deterministic (no randomness, no timestamps), so two runs produce the same project and the
timings of different runs compare like for like. Contract 0 carries the marker /*BENCH-EDIT*/ in its parameter
list: run.sh replaces it with a new member for the incremental-edit measurement.
"""
import argparse
import os
import shutil
import textwrap

# Member types the generated serializer supports (docs/contracts.md), each with a member name stem; collections are
# read-only types, as MC0017 asks of contracts.
MEMBER_TYPES = [
    ("string", "Note"),
    ("int", "Quantity"),
    ("long", "Sequence"),
    ("decimal", "Amount"),
    ("double", "Ratio"),
    ("bool", "IsPriority"),
    ("DateTime", "CreatedAt"),
    ("DateTimeOffset", "OccurredAt"),
    ("DateOnly", "DueDate"),
    ("TimeOnly", "Cutoff"),
    ("TimeSpan", "Timeout"),
    ("Guid", "CorrelationId"),
    ("BenchStatus", "Status"),
    ("int?", "Priority"),
    ("string?", "Comment"),
    ("decimal?", "Discount"),
    ("byte[]", "Payload"),
    ("ImmutableList<string>", "Tags"),
    ("IEnumerable<string>", "Labels"),
    ("IReadOnlyList<int>", "Counts"),
    ("IReadOnlyCollection<Guid>", "RelatedIds"),
    ("ImmutableArray<long>", "Versions"),
    ("IReadOnlyDictionary<string, int>", "Stock"),
    ("IReadOnlyDictionary<string, decimal>", "Prices"),
    ("IReadOnlySet<string>", "Regions"),
    ("Money", "Price"),
    ("IReadOnlyList<LineItem>", "Lines"),
    ("Address?", "ShipTo"),
]

# Partition key types: all single values (MC0014).
KEY_TYPES = [("Guid", "OrderId"), ("string", "CustomerId"), ("long", "AccountId"), ("int", "StoreId")]

NOUNS = ["Order", "Parcel", "Invoice", "Account", "Basket", "Shipment", "Refund", "Ticket", "Booking", "Payment"]
PAST = ["Placed", "Shipped", "Cancelled", "Opened", "Updated", "Delivered", "Approved", "Closed", "Confirmed", "Settled"]
IMPERATIVE = ["Place", "Ship", "Cancel", "Open", "Update", "Deliver", "Approve", "Close", "Confirm", "Settle"]

NULLABLE_OR_VALUE = {"int", "long", "decimal", "double", "bool", "DateTime", "DateTimeOffset", "DateOnly", "TimeOnly",
                     "TimeSpan", "Guid", "BenchStatus", "int?", "string?", "decimal?", "Address?", "ImmutableArray<long>"}


def contract(i):
    """The description of contract i: name, kind, shape, key and members."""
    is_event = i % 2 == 0
    noun = NOUNS[(i // 2) % len(NOUNS)]
    if is_event:
        name = f"{noun}{i:04d}{PAST[(i // 20) % len(PAST)]}"
    else:
        name = f"{IMPERATIVE[(i // 20) % len(IMPERATIVE)]}{noun}{i:04d}"
    # Shapes: positional record class (60%), nominal record with init properties (20%), positional record struct (20%).
    shape = ["positional", "positional", "nominal", "positional", "struct"][i % 5]
    if i == 0:
        shape = "positional"  # the incremental edit adds a positional parameter to contract 0
    key = KEY_TYPES[i % len(KEY_TYPES)]
    count = 3 + i % 3  # 3..5 members besides the key: 4..6 in all
    members = []
    for j in range(count):
        t, stem = MEMBER_TYPES[(i * 11 + j * 5) % len(MEMBER_TYPES)]
        members.append((t, f"{stem}{j}"))
    topic = f"bench.{name.lower()}" if i % 7 == 3 else None
    return {"i": i, "name": name, "event": is_event, "shape": shape, "key": key, "members": members, "topic": topic}


def attribute(c):
    kind = "Event" if c["event"] else "Command"
    return f'[{kind}(Topic = "{c["topic"]}")]' if c["topic"] else f"[{kind}]"


def render_contract(c):
    key_type, key_name = c["key"]
    lines = [f"/// <summary>Benchmark contract {c['i']}.</summary>", attribute(c)]
    if c["shape"] == "nominal":
        lines.append(f"public sealed partial record {c['name']}")
        lines.append("{")
        lines.append(f"    [PartitionKey] public required {key_type} {key_name} {{ get; init; }}")
        for t, n in c["members"]:
            required = "" if t in NULLABLE_OR_VALUE else "required "
            lines.append(f"    public {required}{t} {n} {{ get; init; }}")
        lines.append("}")
    else:
        head = "public readonly partial record struct" if c["shape"] == "struct" else "public sealed partial record"
        params = [f"    [property: PartitionKey] {key_type} {key_name}"] + [f"    {t} {n}" for t, n in c["members"]]
        body = ",\n".join(params)
        if c["i"] == 0:
            body += "/*BENCH-EDIT*/"
        lines.append(f"{head} {c['name']}(\n{body});")
    return "\n".join(lines)


def render_handler(c):
    key_name = c["key"][1]
    first = c["members"][0][1]
    return textwrap.dedent(f"""\
        /// <summary>The one handler of contract {c['i']}.</summary>
        [Idempotent]
        public sealed class {c['name']}Handler : IMessageHandler<{c['name']}>
        {{
            public Task HandleAsync({c['name']} message, MessageContext context, CancellationToken cancellationToken)
            {{
                _ = message.{key_name};
                _ = message.{first};
                return Task.CompletedTask;
            }}
        }}""")


def render_stj_context(contracts, per_file):
    """The STJ baseline: one source-generated JsonSerializerContext listing every contract.

    The options are the closest System.Text.Json gets to the toolkit's wire format and reader: web defaults (camel
    case, case-insensitive names), enums as strings, and nullable annotations and required constructor parameters
    enforced on read (the toolkit rejects null for a non-nullable member and a missing required member).
    """
    lines = [
        "using System.Text.Json;",
        "using System.Text.Json.Serialization;",
        "",
        "namespace Bench.Serialization;",
        "",
        "/// <summary>System.Text.Json source generation for every contract (BenchToolkit=stj).</summary>",
        "[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true,",
        "    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]",
    ]
    for c in contracts:
        lines.append(f"[JsonSerializable(typeof(global::Bench.Contracts.G{c['i'] // per_file:03d}.{c['name']}))]")
    lines.append("internal sealed partial class BenchJsonContext : JsonSerializerContext;")
    return "\n".join(lines) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("repo")
    p.add_argument("--contracts", type=int, default=1000)
    p.add_argument("--per-file", type=int, default=10)
    p.add_argument("--task-assembly", help="MessageContracts.Build.dll for the docs variants (default: src/Build's Debug output)")
    a = p.parse_args()

    out = os.path.abspath(a.out)
    repo = os.path.abspath(a.repo)
    if os.path.isdir(out):
        shutil.rmtree(out)

    # Stop MSBuild from importing the repository's Directory.Build.props/.targets and Directory.Packages.props:
    # the benchmark project is built like a user's project, with the SDK's defaults.
    write(os.path.join(out, "Directory.Build.props"), "<Project />\n")
    write(os.path.join(out, "Directory.Build.targets"), "<Project />\n")
    write(os.path.join(out, "Directory.Packages.props"), "<Project />\n")

    src = lambda *parts: os.path.join(repo, "src", *parts)
    if a.task_assembly is None:
        a.task_assembly = src("Build", "bin", "Debug", "netstandard2.0", "MessageContracts.Build.dll")
    write(os.path.join(out, "Bench.csproj"), f"""\
<Project Sdk="Microsoft.NET.Sdk">

  <!-- Generated by benchmarks/GeneratorBuild/generate.py: {a.contracts} contracts, {a.contracts} handlers. -->
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <OutputType>Library</OutputType>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <LangVersion>latest</LangVersion>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <IsPackable>false</IsPackable>
    <GenerateDocumentationFile>false</GenerateDocumentationFile>
    <!-- Which serializer reaches the compiler (run.sh sets it per build):
         all       the MessageContracts generator and analyzers, as a user of the package gets them;
         none      neither, and Baseline/HandlerShim.cs stands in for IMessageHandler<T> (whose constraint needs the
                   generated IMessageContract<T>): the same user code built without any serializer;
         stj       as none, plus StjBaseline/BenchJsonContext.cs: one System.Text.Json source-generated
                   JsonSerializerContext listing every contract, the alternative a user would pick;
         docs      as all, plus the package's build props and targets (MessageContractsDocuments=true): the
                   generator writes the contract model, the compatibility analyzer (MC0030-MC0039) compares it with
                   the committed MessageContracts.Shipped.json, and the build task writes the AsyncAPI document and
                   the JSON Schemas: the package as a user gets it, with a baseline;
         nocompat  as docs, with MC0030-MC0039 suppressed, so the compiler does not run the compatibility analyzer
                   at all (every other input the same, the baseline file included): docs - nocompat is its cost;
         nobaseline as docs, without the baseline file (the analyzer reads the model, then only looks for the
                   contract to put MC0030 on). -->
    <BenchToolkit Condition="'$(BenchToolkit)' == ''">all</BenchToolkit>
    <BenchDocuments>false</BenchDocuments>
    <BenchDocuments Condition="'$(BenchToolkit)' == 'docs' or '$(BenchToolkit)' == 'nocompat' or '$(BenchToolkit)' == 'nobaseline'">true</BenchDocuments>
    <!-- The package runs the task in-process from tasks/netstandard2.0; here, src/Build's output (run.sh builds it). -->
    <MessageContractsBuildAssembly>{a.task_assembly}</MessageContractsBuildAssembly>
    <MessageContractsBaselineFile Condition="'$(BenchToolkit)' == 'nobaseline'">$(MSBuildProjectDirectory)/NoBaseline/MessageContracts.Shipped.json</MessageContractsBaselineFile>
    <NoWarn Condition="'$(BenchToolkit)' == 'nocompat'">$(NoWarn);MC0030;MC0031;MC0032;MC0033;MC0034;MC0035;MC0036;MC0037;MC0038;MC0039</NoWarn>
  </PropertyGroup>

  <!-- What the MessageContracts package's buildTransitive folder adds to a user's project. -->
  <Import Project="{src('Runtime', 'MessageContracts', 'buildTransitive', 'MessageContracts.props')}" Condition="'$(BenchDocuments)' == 'true'" />
  <Import Project="{src('Runtime', 'MessageContracts', 'buildTransitive', 'MessageContracts.targets')}" Condition="'$(BenchDocuments)' == 'true'" />

  <ItemGroup>
    <ProjectReference Include="{src('Runtime', 'MessageContracts', 'MessageContracts.csproj')}" />
    <ProjectReference Include="{src('Generators', 'MessageContracts.Generators.csproj')}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <ProjectReference Include="{src('Analyzers', 'MessageContracts.Analyzers.csproj')}" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>

  <ItemGroup>
    <Compile Remove="Baseline/**" Condition="'$(BenchToolkit)' == 'all' or '$(BenchDocuments)' == 'true'" />
    <Compile Remove="StjBaseline/**" Condition="'$(BenchToolkit)' != 'stj'" />
  </ItemGroup>

  <!-- The references and the restore are the same in every variant; only the compiler's analyzer list changes. -->
  <Target Name="BenchSelectToolkit" BeforeTargets="CoreCompile" Condition="'$(BenchToolkit)' == 'none' or '$(BenchToolkit)' == 'stj'">
    <ItemGroup>
      <Analyzer Remove="@(Analyzer)" Condition="'%(Filename)' == 'MessageContracts.Generators' or '%(Filename)' == 'MessageContracts.Analyzers'" />
    </ItemGroup>
  </Target>

</Project>
""")

    write(os.path.join(out, "Parts.cs"), """\
namespace Bench.Contracts;

/// <summary>An enum member type (written as a string).</summary>
public enum BenchStatus { Pending, Active, Suspended, Closed }

/// <summary>Message parts: records used as contract members.</summary>
public sealed record Money(decimal Amount, string Currency);

public sealed record LineItem(string Sku, int Quantity, Money Price);

public sealed record Address(string Street, string City, string PostalCode, string? Country);
""")

    write(os.path.join(out, "Baseline", "HandlerShim.cs"), """\
using MessageContracts;

namespace Bench.Handlers;

/// <summary>
/// Compiled only in the baselines without the toolkit (BenchToolkit=none or stj). Found before MessageContracts.IMessageHandler{T} by
/// the handlers in Bench.Handlers.Gnnn, so the same handler sources compile without the generated IMessageContract{T}.
/// </summary>
public interface IMessageHandler<TMessage>
{
    Task HandleAsync(TMessage message, MessageContext context, CancellationToken cancellationToken);
}
""")

    contracts = [contract(i) for i in range(a.contracts)]
    write(os.path.join(out, "StjBaseline", "BenchJsonContext.cs"), render_stj_context(contracts, a.per_file))
    files = (a.contracts + a.per_file - 1) // a.per_file
    for f in range(files):
        chunk = contracts[f * a.per_file:(f + 1) * a.per_file]
        ns = f"Bench.Contracts.G{f:03d}"
        body = "\n\n".join(render_contract(c) for c in chunk)
        write(os.path.join(out, "Contracts", f"Contracts{f:03d}.cs"),
              f"using System.Collections.Immutable;\nusing MessageContracts;\n\nnamespace {ns};\n\n{body}\n")
        hbody = "\n\n".join(render_handler(c) for c in chunk)
        write(os.path.join(out, "Handlers", f"Handlers{f:03d}.cs"),
              f"using {ns};\nusing MessageContracts;\n\nnamespace Bench.Handlers.G{f:03d};\n\n{hbody}\n")

    events = sum(1 for c in contracts if c["event"])
    print(f"generated {out}: {a.contracts} contracts ({events} events, {a.contracts - events} commands), "
          f"{a.contracts} handlers, {files} + {files} files")


if __name__ == "__main__":
    main()
