package dev.jobqueue.servlet.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The SSE wire format of DESIGN.md. Job changes are default ({@code message}) events so the seed
 * client {@code new EventSource(url).onmessage = e => update(JSON.parse(e.data))} works unchanged:
 *
 * <pre>
 * id: 42
 * data: {"job_id":"...","status":"running",...}
 *
 * id: 43
 * event: deleted
 * data: {"job_id":"..."}
 * </pre>
 *
 * JSON never contains a raw line break (Jackson escapes them), so each payload is one {@code data:}
 * line.
 */
public final class SseFrames {
  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

  private final JobJson json;

  public SseFrames(JobJson json) {
    this.json = json;
  }

  /** The frame of a live event, placed by its own sequence (a store of one process). */
  public Frame forEvent(JobEvent e) {
    return forEvent(e, e.sequence());
  }

  /**
   * The frame of a live event, shared by all clients.
   *
   * @param position its place in the server's order of events (see {@link Frame#sequence()})
   */
  public Frame forEvent(JobEvent e, long position) {
    if (e.kind() == JobEvent.Kind.DELETED) {
      byte[] data = JobJson.objectBytes("job_id", e.jobId());
      return new Frame(
          position, e.jobId(), e.job().version(), false, message(e.sequence(), "deleted", data));
    }
    return new Frame(
        position,
        e.jobId(),
        e.job().version(),
        !e.statusChanged(),
        message(e.sequence(), null, json.toBytes(e.job())));
  }

  /**
   * A snapshot entry sent on connect. Only the last one carries an id (the hub's sequence when the
   * client registered): a client cut off half-way through the snapshot then resumes with a full
   * state again rather than skipping the entries it never got.
   *
   * @param id the sequence to send, or -1 for none
   */
  public Frame forSnapshot(Job job, long id) {
    return new Frame(-1, job.id(), job.version(), true, message(id, null, json.toBytes(job)));
  }

  /**
   * A named event without an id ({@code event: log}, {@code event: paused}): not replayed on
   * resume, never coalesced, and ignored by clients that only listen to {@code message}.
   */
  public static Frame named(String event, byte[] data) {
    return Frame.control(message(-1, event, data));
  }

  /** Only sets the client's last event id (a dispatch with no data fires no event). */
  public static Frame idOnly(long id) {
    return Frame.control(("id: " + id + "\n\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** The reconnect hint, sent first on every stream. */
  public static Frame retry(Duration delay) {
    return Frame.control(
        ("retry: " + delay.toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Tells a resuming client that what it missed could not be replayed (too old, or from before a
   * restart): it should forget the jobs it shows; the full current state follows.
   */
  public static Frame reset(String reason) {
    return Frame.control(message(-1, "reset", JobJson.objectBytes("reason", reason)));
  }

  public static Frame heartbeat() {
    return Frame.control(HEARTBEAT);
  }

  static byte[] message(long id, String event, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 40);
    if (id >= 0) {
      out.writeBytes(("id: " + id + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    if (event != null) {
      out.writeBytes(("event: " + event + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(data);
    out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
