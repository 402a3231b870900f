package dev.jobqueue.servlet;

import dev.jobqueue.JobQueue;
import dev.jobqueue.servlet.internal.ApiConfig;
import dev.jobqueue.servlet.internal.ApiHandler;
import dev.jobqueue.servlet.internal.JobJson;
import dev.jobqueue.servlet.internal.OpsEndpoints;
import dev.jobqueue.servlet.internal.OriginPolicy;
import dev.jobqueue.servlet.internal.SseFrames;
import dev.jobqueue.servlet.internal.SseHub;
import dev.jobqueue.servlet.internal.StreamEndpoint;
import dev.jobqueue.servlet.internal.UiResources;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link JobQueue} over HTTP: the REST API, the Server-Sent-Events stream and the
 * task-manager widget, all under one base path (default {@code /api/jobs}). Requests outside the
 * base path pass through untouched.
 *
 * <pre>{@code
 * JobQueueFilter filter = JobQueueFilter.builder(queue)
 *     .userResolver(req -> req.getRemoteUser())
 *     .build();
 * // Jetty 12 (ee10):
 * FilterHolder holder = new FilterHolder(filter);
 * holder.setAsyncSupported(true);
 * context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>The filter must be registered with async support (the stream uses servlet async I/O); in
 * Tomcat the servlet the request maps to must support async too. The filter does not close the
 * queue; {@link #destroy()} ends the streams, the queue subscription, the heartbeat thread and the
 * stream writer threads ({@code jobqueue-sse-writer-N}).
 */
public final class JobQueueFilter implements Filter {
  private static final Logger log = LoggerFactory.getLogger(JobQueueFilter.class);

  public static final String DEFAULT_BASE_PATH = "/api/jobs";
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final long DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
  public static final int DEFAULT_REPLAY_BUFFER = 4096;
  public static final int DEFAULT_CLIENT_BUFFER = 1024;
  public static final Duration DEFAULT_RECONNECT_DELAY = Duration.ofSeconds(3);

  private final ApiConfig config;
  private final SseHub hub;
  private final ApiHandler api;
  private final Object lifecycle = new Object();
  private boolean started;
  private boolean destroyed;

  private JobQueueFilter(ApiConfig config) {
    this.config = config;
    JobJson json = new JobJson(config.exposeInput());
    SseFrames frames = new SseFrames(json);
    this.hub =
        new SseHub(
            config.queue(),
            frames,
            config.replayBuffer(),
            config.heartbeat(),
            config.maxConnections());
    this.api =
        new ApiHandler(
            config,
            json,
            new UiResources(JobQueueFilter.class.getClassLoader()),
            new StreamEndpoint(config, hub, frames),
            new OpsEndpoints(config, hub));
  }

  /** A builder for a filter serving {@code queue}. */
  public static Builder builder(JobQueue queue) {
    return new Builder(queue);
  }

  /** Subscribes to the queue, starts the heartbeat and writer threads; called by the container. */
  @Override
  public void init(FilterConfig filterConfig) {
    ensureStarted();
  }

  private void ensureStarted() {
    synchronized (lifecycle) {
      if (started || destroyed) {
        return;
      }
      hub.start();
      started = true;
    }
    log.info(
        "jobqueue filter serving {} (users {}, input {}, max {} streams, heartbeat {} ms, "
            + "replay buffer {}, client buffer {})",
        config.basePath(),
        config.userResolver() == null ? "shared by all callers" : "scoped",
        config.exposeInput() ? "exposed" : "hidden",
        config.maxConnections(),
        config.heartbeat().toMillis(),
        config.replayBuffer(),
        config.clientBuffer());
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest req)
        || !(response instanceof HttpServletResponse resp)) {
      chain.doFilter(request, response);
      return;
    }
    String rest = pathUnderBase(req);
    if (rest == null) {
      chain.doFilter(request, response);
      return;
    }
    ensureStarted(); // containers that skip init() still get a working stream
    api.handle(req, resp, rest);
  }

  /** The path after the base path ("" or "/..."), or null when the request is not for us. */
  private String pathUnderBase(HttpServletRequest req) {
    String uri = req.getRequestURI();
    String context = req.getContextPath();
    String path =
        context != null && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    int semicolon = path.indexOf(';'); // path parameters such as ;jsessionid
    if (semicolon >= 0) {
      path = path.substring(0, semicolon);
    }
    String base = config.basePath();
    if (path.equals(base)) {
      return "";
    }
    return path.startsWith(base + "/") ? path.substring(base.length()) : null;
  }

  /**
   * Ends every stream, unsubscribes from the queue and stops the heartbeat and writer threads,
   * waiting (up to 5 s) until they are gone.
   */
  @Override
  public void destroy() {
    synchronized (lifecycle) {
      if (destroyed) {
        return;
      }
      destroyed = true;
    }
    hub.close();
  }

  /** SSE streams open now; returns to zero once every client has gone. */
  public int openConnections() {
    return hub.openConnections();
  }

  /** SSE clients dropped for reading too slowly since the filter started. */
  public long droppedClients() {
    return hub.droppedClients();
  }

  /** The base path this filter answers under. */
  public String basePath() {
    return config.basePath();
  }

  /**
   * Options of {@link JobQueueFilter}; each is checked when set. Defaults are the {@code DEFAULT_*}
   * constants of the filter.
   */
  public static final class Builder {
    private final JobQueue queue;
    private String basePath = DEFAULT_BASE_PATH;
    private Function<HttpServletRequest, String> userResolver;
    private boolean sharedView;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();
    private boolean exposeInput;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private int replayBuffer = DEFAULT_REPLAY_BUFFER;
    private int clientBuffer = DEFAULT_CLIENT_BUFFER;
    private Duration reconnectDelay = DEFAULT_RECONNECT_DELAY;
    private Predicate<HttpServletRequest> typePausePermission;

    private Builder(JobQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
    }

    /** Where the API lives, for example {@code /api/jobs}: starts with '/', no trailing '/'. */
    public Builder basePath(String path) {
      if (path == null
          || !path.startsWith("/")
          || path.length() < 2
          || path.endsWith("/")
          || path.contains("//")
          || path.contains(";")
          || path.contains("?")) {
        throw new IllegalArgumentException(
            "basePath must start with '/', not end with '/' and not be '/', got '" + path + "'");
      }
      this.basePath = path;
      return this;
    }

    /**
     * Maps a request to the id of its user, scoping every call and the stream to that user's jobs
     * (another user's job answers 404). A null or blank answer means not signed in (401). Either
     * this or {@link #sharedViewForAllCallers()} is required.
     */
    public Builder userResolver(Function<HttpServletRequest, String> resolver) {
      this.userResolver = Objects.requireNonNull(resolver, "userResolver");
      return this;
    }

    /**
     * Opts in to one view shared by every caller: without a user resolver, anyone who can reach the
     * base path sees, cancels and deletes every job, with its results and errors. Only for apps
     * with one user or behind their own access control (an admin console, a single-user tool);
     * {@link #build()} refuses a filter with neither this nor a {@link #userResolver}. When a
     * resolver is set as well, it wins: the filter is scoped.
     */
    public Builder sharedViewForAllCallers() {
      this.sharedView = true;
      return this;
    }

    /**
     * Origins besides the server's own that may send state-changing requests (and get CORS
     * answers), such as {@code https://admin.example.com}. Replaces any set before.
     */
    public Builder allowedOrigins(Set<String> origins) {
      Objects.requireNonNull(origins, "allowedOrigins");
      Set<String> normalised = new LinkedHashSet<>();
      for (String o : origins) {
        String n = o == null ? null : OriginPolicy.normalise(o);
        if (n == null) {
          throw new IllegalArgumentException(
              "allowedOrigins: '" + o + "' is not an origin like https://app.example.com");
        }
        normalised.add(n);
      }
      allowedOrigins.clear();
      allowedOrigins.addAll(normalised);
      return this;
    }

    /** Sends jobs' {@code input} to clients; off by default since input may hold secrets. */
    public Builder exposeInput(boolean expose) {
      this.exposeInput = expose;
      return this;
    }

    /** Open SSE streams at most; further ones get 503 with Retry-After. */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1, got " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /** Largest accepted request body; larger ones get 413. */
    public Builder maxBodyBytes(long max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxBodyBytes must not be negative, got " + max);
      }
      this.maxBodyBytes = max;
      return this;
    }

    /** How often idle streams get a comment line (keeps proxies open, finds dead peers). */
    public Builder heartbeat(Duration every) {
      if (every == null || every.toMillis() < 10) {
        throw new IllegalArgumentException("heartbeat must be at least 10 ms, got " + every);
      }
      this.heartbeat = every;
      return this;
    }

    /** Recent events kept for {@code Last-Event-ID} resumption. */
    public Builder replayBuffer(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("replayBuffer must be at least 1, got " + events);
      }
      this.replayBuffer = events;
      return this;
    }

    /**
     * Unsent events one stream may hold (after progress coalescing) before it is dropped as too
     * slow; the client reconnects and gets the current state.
     */
    public Builder clientBuffer(int events) {
      if (events < 4) {
        throw new IllegalArgumentException("clientBuffer must be at least 4, got " + events);
      }
      this.clientBuffer = events;
      return this;
    }

    /** The {@code retry:} hint: how long browsers wait before reconnecting. */
    public Builder reconnectDelay(Duration delay) {
      if (delay == null || delay.isNegative()) {
        throw new IllegalArgumentException("reconnectDelay must be zero or positive, got " + delay);
      }
      this.reconnectDelay = delay;
      return this;
    }

    /**
     * Lets the callers {@code permitted} accepts pause and resume job types with {@code POST
     * {base}/types/{type}/pause} and {@code .../resume}; everyone else gets 403. Off by default: a
     * pause stops that kind of work for every user (and every instance on a shared store), so the
     * host decides who may, for example {@code req -> req.isUserInRole("admin")}.
     */
    public Builder allowTypePause(Predicate<HttpServletRequest> permitted) {
      this.typePausePermission = Objects.requireNonNull(permitted, "permitted");
      return this;
    }

    /**
     * @throws IllegalStateException when neither {@link #userResolver} nor {@link
     *     #sharedViewForAllCallers()} was called
     */
    public JobQueueFilter build() {
      if (userResolver == null && !sharedView) {
        throw new IllegalStateException(
            "JobQueueFilter has no user resolver, so every caller would see every job with its"
                + " results and errors. Call userResolver(req -> <the signed-in user's id>) to"
                + " give each user their own jobs, or sharedViewForAllCallers() if one view for"
                + " everyone is really what you want (single-user tool, access control in front).");
      }
      return new JobQueueFilter(
          new ApiConfig(
              queue,
              basePath,
              userResolver,
              Set.copyOf(allowedOrigins),
              exposeInput,
              maxConnections,
              maxBodyBytes,
              heartbeat,
              replayBuffer,
              clientBuffer,
              reconnectDelay,
              typePausePermission));
    }
  }
}
