using MessageContracts;

namespace NativeWorker;

/// <summary>A sensor took a reading: the event the worker publishes and handles.</summary>
[Event]
public sealed partial record ReadingTaken([property: PartitionKey] string SensorId, int Sequence, decimal Celsius);
