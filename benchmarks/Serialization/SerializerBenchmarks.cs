using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace MessageContracts.Benchmarks.Serialization;

/// <summary>
/// Serialize and deserialize one message, three ways. Every serializer writes into one reused
/// <see cref="ArrayBufferWriter{T}"/> through one reused <see cref="Utf8JsonWriter"/> (<c>Reset</c> per operation), so
/// the allocated bytes are the serializer's own; every deserializer reads the same UTF-8 payload. The baseline of each
/// category is System.Text.Json source generation.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SerializerBenchmarks
{
    private static readonly JsonSerializerOptions ReflectionOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly ArrayBufferWriter<byte> buffer = new(4096);
    private Utf8JsonWriter writer = null!;
    private byte[] smallJson = [];
    private byte[] largeJson = [];

    [GlobalSetup]
    public void Setup()
    {
        writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        smallJson = Write(w => Generated.Serialize(w, Samples.Small));
        largeJson = Write(w => Generated.Serialize(w, Samples.Large));

        // The three contenders must agree on the wire format, or the comparison means nothing.
        Check(smallJson, Write(w => JsonSerializer.Serialize(w, Samples.Small, BenchJsonContext.Default.SmallOrderPlaced)), "small, STJ source-gen");
        Check(smallJson, Write(w => JsonSerializer.Serialize(w, Samples.Small, ReflectionOptions)), "small, STJ reflection");
        Check(smallJson, Write(w => EncodedNamesVariant.WriteSmallAsBefore(w, Samples.Small)), "small, as before (diagnostic)");
        Check(smallJson, Write(w => EncodedNamesVariant.WriteSmall(w, Samples.Small)), "small, encoded names (diagnostic)");
        Check(smallJson, Write(w => EncodedNamesVariant.WriteSmallCombined(w, Samples.Small)), "small, encoded combined (diagnostic)");
        Check(largeJson, Write(w => JsonSerializer.Serialize(w, Samples.Large, BenchJsonContext.Default.LargeOrderSubmitted)), "large, STJ source-gen");
        Check(largeJson, Write(w => JsonSerializer.Serialize(w, Samples.Large, ReflectionOptions)), "large, STJ reflection");
        if (Generated.Deserialize<SmallOrderPlaced>(smallJson) != Samples.Small
            || JsonSerializer.Deserialize(smallJson, BenchJsonContext.Default.SmallOrderPlaced) != Samples.Small)
        {
            throw new InvalidOperationException("The small contract does not round-trip.");
        }

        Console.WriteLine($"// payload sizes: small {smallJson.Length} B, large {largeJson.Length} B");
    }

    [GlobalCleanup]
    public void Cleanup() => writer.Dispose();

    [BenchmarkCategory("Small-Serialize"), Benchmark]
    public int Small_Serialize_Generated()
    {
        Reset();
        Generated.Serialize(writer, Samples.Small);
        writer.Flush();
        return buffer.WrittenCount;
    }

    /// <summary>Diagnostic: the generated writer as emitted before issue 7 (see <see cref="EncodedNamesVariant"/>).</summary>
    [BenchmarkCategory("Small-Serialize"), Benchmark]
    public int Small_Serialize_Diag_AsBefore()
    {
        Reset();
        EncodedNamesVariant.WriteSmallAsBefore(writer, Samples.Small);
        writer.Flush();
        return buffer.WrittenCount;
    }

    /// <summary>Diagnostic: the generated writer with pre-encoded member names (see <see cref="EncodedNamesVariant"/>).</summary>
    [BenchmarkCategory("Small-Serialize"), Benchmark]
    public int Small_Serialize_Diag_EncodedNames()
    {
        Reset();
        EncodedNamesVariant.WriteSmall(writer, Samples.Small);
        writer.Flush();
        return buffer.WrittenCount;
    }

    /// <summary>Diagnostic: pre-encoded names and one call per member, as System.Text.Json's source generator writes.</summary>
    [BenchmarkCategory("Small-Serialize"), Benchmark]
    public int Small_Serialize_Diag_EncodedCombined()
    {
        Reset();
        EncodedNamesVariant.WriteSmallCombined(writer, Samples.Small);
        writer.Flush();
        return buffer.WrittenCount;
    }

    [BenchmarkCategory("Small-Serialize"), Benchmark(Baseline = true)]
    public int Small_Serialize_StjSourceGen()
    {
        Reset();
        JsonSerializer.Serialize(writer, Samples.Small, BenchJsonContext.Default.SmallOrderPlaced);
        writer.Flush();
        return buffer.WrittenCount;
    }

    [BenchmarkCategory("Small-Serialize"), Benchmark]
    public int Small_Serialize_StjReflection()
    {
        Reset();
        JsonSerializer.Serialize(writer, Samples.Small, ReflectionOptions);
        writer.Flush();
        return buffer.WrittenCount;
    }

    [BenchmarkCategory("Small-Deserialize"), Benchmark]
    public SmallOrderPlaced Small_Deserialize_Generated() => Generated.Deserialize<SmallOrderPlaced>(smallJson);

    [BenchmarkCategory("Small-Deserialize"), Benchmark(Baseline = true)]
    public SmallOrderPlaced? Small_Deserialize_StjSourceGen() => JsonSerializer.Deserialize(smallJson, BenchJsonContext.Default.SmallOrderPlaced);

    [BenchmarkCategory("Small-Deserialize"), Benchmark]
    public SmallOrderPlaced? Small_Deserialize_StjReflection() => JsonSerializer.Deserialize<SmallOrderPlaced>(smallJson, ReflectionOptions);

    [BenchmarkCategory("Large-Serialize"), Benchmark]
    public int Large_Serialize_Generated()
    {
        Reset();
        Generated.Serialize(writer, Samples.Large);
        writer.Flush();
        return buffer.WrittenCount;
    }

    [BenchmarkCategory("Large-Serialize"), Benchmark(Baseline = true)]
    public int Large_Serialize_StjSourceGen()
    {
        Reset();
        JsonSerializer.Serialize(writer, Samples.Large, BenchJsonContext.Default.LargeOrderSubmitted);
        writer.Flush();
        return buffer.WrittenCount;
    }

    [BenchmarkCategory("Large-Serialize"), Benchmark]
    public int Large_Serialize_StjReflection()
    {
        Reset();
        JsonSerializer.Serialize(writer, Samples.Large, ReflectionOptions);
        writer.Flush();
        return buffer.WrittenCount;
    }

    [BenchmarkCategory("Large-Deserialize"), Benchmark]
    public LargeOrderSubmitted Large_Deserialize_Generated() => Generated.Deserialize<LargeOrderSubmitted>(largeJson);

    [BenchmarkCategory("Large-Deserialize"), Benchmark(Baseline = true)]
    public LargeOrderSubmitted? Large_Deserialize_StjSourceGen() => JsonSerializer.Deserialize(largeJson, BenchJsonContext.Default.LargeOrderSubmitted);

    [BenchmarkCategory("Large-Deserialize"), Benchmark]
    public LargeOrderSubmitted? Large_Deserialize_StjReflection() => JsonSerializer.Deserialize<LargeOrderSubmitted>(largeJson, ReflectionOptions);

    private static void Check(byte[] expected, byte[] actual, string what)
    {
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            throw new InvalidOperationException(
                $"{what} writes different JSON:\n  generated: {System.Text.Encoding.UTF8.GetString(expected)}\n  other:     {System.Text.Encoding.UTF8.GetString(actual)}");
        }
    }

    private void Reset()
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
    }

    private byte[] Write(Action<Utf8JsonWriter> write)
    {
        Reset();
        write(writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
