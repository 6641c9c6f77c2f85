namespace ContactSync.EventStore;

/// <summary>The outcome of a successful append.</summary>
/// <param name="NextExpectedRevision">Revision of the stream's last event after the append.</param>
/// <param name="LogPosition">Position in <c>$all</c> of the last event appended.</param>
public sealed record AppendResult(StreamRevision NextExpectedRevision, Position LogPosition);
