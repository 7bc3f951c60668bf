using System.Diagnostics.Metrics;

namespace MessageContracts.Tests.Support;

/// <summary>
/// Collects the observable instruments of one <see cref="Meter"/> instance on demand, as an exporter would: the
/// toolkit's gauges live on a meter per container, so a test reads its own host's and never another test's.
/// </summary>
public sealed class GaugeReader : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly object gate = new();
    private readonly List<GaugeValue> collected = [];

    public GaugeReader(Meter meter)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        listener.Start();
    }

    /// <summary>One collection: every gauge of the meter observed now.</summary>
    public IReadOnlyList<GaugeValue> Collect()
    {
        lock (gate)
        {
            collected.Clear();
            listener.RecordObservableInstruments();
            return [.. collected];
        }
    }

    /// <summary>The value <paramref name="instrument"/> reports now for the measurement with every given tag, or null.</summary>
    public double? Value(string instrument, params (string Key, string Value)[] tags) =>
        Collect().LastOrDefault(g => g.Instrument == instrument && tags.All(t => g.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))?.Value;

    public void Dispose() => listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        collected.Add(new GaugeValue(instrument.Name, instrument.Unit, value, copy));
    }
}

/// <summary>One observed measurement.</summary>
public sealed record GaugeValue(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags);
