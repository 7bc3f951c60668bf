namespace MessageContracts;

/// <summary>What became of a record; each one is final, so the record's offset may be stored.</summary>
internal enum RecordOutcome
{
    /// <summary>Every handler completed.</summary>
    Handled,

    /// <summary>Its message ID was processed before; the handlers did not run.</summary>
    Duplicate,

    /// <summary>Written to the dead-letter topic.</summary>
    DeadLettered,

    /// <summary>
    /// Its handlers failed every in-process attempt and the transport will deliver it again later (a delayed retry):
    /// settled, but its message ID stays unprocessed so that the returning copy is handled.
    /// </summary>
    RetryLater,

    /// <summary>A message type this service has no handler for.</summary>
    NotForThisService,
}
