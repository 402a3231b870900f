package dev.jobqueue.servlet.internal;

/**
 * One SSE message as the bytes that go on the wire, shared by every client that receives it (an
 * event is serialised once however many clients watch).
 *
 * @param sequence the frame's place in this server's order of events (increasing), or -1 for frames
 *     without one. Not the {@code id:} on the wire, which is the event's id: with a shared store
 *     those are the database's, not increasing.
 * @param jobId the job it is about, or null (heartbeats, hints)
 * @param version the job snapshot's version, or -1
 * @param coalescible a newer frame about the same job may replace it before it is written:
 *     progress-only updates and snapshot entries; never status changes or deletions
 */
public record Frame(long sequence, String jobId, long version, boolean coalescible, byte[] bytes) {

  /** A frame about no job, written as it comes. */
  public static Frame control(byte[] bytes) {
    return new Frame(-1, null, -1, false, bytes);
  }
}
