package dev.jobqueue.servlet.internal;

import dev.jobqueue.JobQueue;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The filter's immutable configuration, made once by the public builder after it checked every
 * option.
 *
 * @param userResolver request → user id, or null when every caller sees every job
 * @param clientBuffer events buffered per SSE client (after coalescing) before it is dropped
 * @param reconnectDelay the {@code retry:} hint sent to SSE clients
 * @param typePausePermission who may pause and resume job types over HTTP; null: nobody
 */
public record ApiConfig(
    JobQueue queue,
    String basePath,
    Function<HttpServletRequest, String> userResolver,
    Set<String> allowedOrigins,
    boolean exposeInput,
    int maxConnections,
    long maxBodyBytes,
    Duration heartbeat,
    int replayBuffer,
    int clientBuffer,
    Duration reconnectDelay,
    Predicate<HttpServletRequest> typePausePermission) {

  /** Active jobs sent in a stream's snapshot at most. */
  public static final int SNAPSHOT_ACTIVE_LIMIT = 1000;

  /** Recent finished jobs sent in a stream's snapshot. */
  public static final int SNAPSHOT_FINISHED_LIMIT = 50;

  /**
   * Response buffer of an SSE stream, held for as long as the stream is open. Jetty's pool hands
   * out buffers in 4 KiB steps, so less would not save anything there.
   */
  public static final int STREAM_BUFFER_BYTES = 4096;
}
