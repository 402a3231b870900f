package dev.jobqueue.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.JobQueue;
import dev.jobqueue.RecoveryPolicy;
import dev.jobqueue.examples.analysis.AnalyzeJob;
import dev.jobqueue.examples.analysis.Analyzers;
import dev.jobqueue.examples.analysis.ComprehensiveJob;
import dev.jobqueue.examples.batch.BatchAnalyzeJob;
import dev.jobqueue.examples.batch.BatchGenerateJob;
import dev.jobqueue.examples.generate.GenerateJob;
import dev.jobqueue.examples.generate.GeneratedCleanup;
import dev.jobqueue.examples.http.AnalyzeServlet;
import dev.jobqueue.examples.http.AnalyzersServlet;
import dev.jobqueue.examples.http.AnonymousUser;
import dev.jobqueue.examples.http.GenerateServlet;
import dev.jobqueue.examples.http.ImagesServlet;
import dev.jobqueue.examples.http.JobAnswers;
import dev.jobqueue.examples.http.Json;
import dev.jobqueue.examples.http.JsonErrorHandler;
import dev.jobqueue.examples.http.PresetsServlet;
import dev.jobqueue.examples.http.StaticServlet;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.presets.PresetStore;
import dev.jobqueue.examples.presets.ThumbnailJob;
import dev.jobqueue.examples.presets.TrackedPreview;
import dev.jobqueue.servlet.JobQueueFilter;
import dev.jobqueue.spi.JobStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example app, wired: job store, queue with the six handlers, the jobqueue filter (REST, SSE,
 * widget) and the app's own API and page on embedded Jetty. {@link #close()} stops Jetty, then the
 * queue, then the store.
 */
public final class ExampleServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExampleServer.class);
  public static final String JOBS_PATH = "/api/jobs";

  private final JobStore store;
  private final JobQueue queue;
  private final JobQueueFilter filter;
  private final Server server;
  private final TrackedPreview previews;
  private boolean closed;

  private ExampleServer(
      JobStore store,
      JobQueue queue,
      JobQueueFilter filter,
      Server server,
      TrackedPreview previews) {
    this.store = store;
    this.queue = queue;
    this.filter = filter;
    this.server = server;
    this.previews = previews;
  }

  /**
   * What tests change besides the options: a hook after each checkpointed band of a render, and the
   * cadence of the generated-image cleanup.
   *
   * @param cleanupEvery how often a user's cleanup runs
   * @param cleanupAfter generated images older than this are deleted
   */
  public record Tuning(
      GenerateJob.BandHook bandHook, Duration cleanupEvery, Duration cleanupAfter) {
    public static final Tuning DEFAULT =
        new Tuning(GenerateJob.BandHook.NONE, Duration.ofMinutes(2), Duration.ofMinutes(10));
  }

  /** Starts everything; on failure closes what was started and rethrows. */
  public static ExampleServer start(AppOptions options) throws Exception {
    return start(options, Tuning.DEFAULT);
  }

  /** Starts everything with {@code tuning}; on failure closes what was started and rethrows. */
  public static ExampleServer start(AppOptions options, Tuning tuning) throws Exception {
    System.setProperty("java.awt.headless", "true");
    ObjectMapper json = Json.mapper();
    Files.createDirectories(options.dataDir());
    ImageStore images = new ImageStore(options.dataDir(), json);
    PresetStore presets = new PresetStore(options.dataDir(), json);
    Analyzers analyzers = Analyzers.builtIn();
    JobStore store = StoreSpec.open(options.store());
    JobQueue queue = null;
    // handlers are built before the queue they submit follow-up jobs to
    AtomicReference<JobQueue> queueRef = new AtomicReference<>();
    Server server = null;
    JobQueueFilter filter = null;
    TrackedPreview previews = null;
    GeneratedCleanup cleanup =
        new GeneratedCleanup(queueRef::get, images, tuning.cleanupEvery(), tuning.cleanupAfter());
    try {
      queue =
          JobQueue.builder()
              .store(store)
              .workers(options.workers())
              .handler(AnalyzeJob.TYPE, new AnalyzeJob(analyzers, images, presets, queueRef::get))
              .handler(ComprehensiveJob.TYPE, new ComprehensiveJob(analyzers, images))
              .handler(ThumbnailJob.TYPE, new ThumbnailJob(presets, images))
              .handler(
                  GenerateJob.TYPE,
                  new GenerateJob(
                      images, options.dataDir().resolve("partial-renders"), tuning.bandHook()))
              .handler(GeneratedCleanup.TYPE, cleanup)
              .handler(BatchAnalyzeJob.TYPE, new BatchAnalyzeJob(analyzers, images))
              .handler(BatchGenerateJob.TYPE, new BatchGenerateJob())
              // big renders must not starve the analyses
              .concurrency(GenerateJob.TYPE, Math.max(1, options.workers() / 2))
              .shutdownTimeout(Duration.ofSeconds(5))
              // a render cut off by a crash or stop goes on from its checkpoint after a restart
              .recoveryPolicy(RecoveryPolicy.REQUEUE)
              .build();
      queueRef.set(queue);
      previews = new TrackedPreview(queue.tracker(), presets, images);
      // each browser is its own anonymous user (AnonymousUser): nobody sees another's jobs
      filter =
          JobQueueFilter.builder(queue).basePath(JOBS_PATH).userResolver(AnonymousUser::of).build();
      server =
          jetty(
              options.port(),
              json,
              queue,
              filter,
              new Parts(analyzers, images, presets, previews, cleanup),
              options);
      server.start();
      ExampleServer app = new ExampleServer(store, queue, filter, server, previews);
      LOG.info(
          "jobqueue example app on {} (store {}, {} workers, data in {})",
          app.uri(),
          options.store(),
          options.workers(),
          options.dataDir().toAbsolutePath());
      return app;
    } catch (Exception | Error e) {
      if (filter != null) {
        filter.destroy();
      }
      stopQuietly(server);
      if (previews != null) {
        previews.close();
      }
      if (queue != null) {
        queue.close();
      }
      StoreSpec.close(store);
      throw e;
    }
  }

  private static Server jetty(
      int port,
      ObjectMapper json,
      JobQueue queue,
      JobQueueFilter jobsFilter,
      Parts parts,
      AppOptions options) {
    Analyzers analyzers = parts.analyzers();
    ImageStore images = parts.images();
    PresetStore presets = parts.presets();
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("example-http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false); // no "Server: Jetty(12...)" header
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setPort(port);
    server.addConnector(connector);
    server.setStopTimeout(2000);
    // what Jetty refuses before any servlet runs is answered as JSON too, without its version
    server.setErrorHandler(new JsonErrorHandler());

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.setErrorHandler(new JsonErrorHandler()); // e.g. an ambiguous path such as /a%2Fb
    context.addFilter(
        new FilterHolder(new AnonymousUser()), "/*", EnumSet.of(DispatcherType.REQUEST));
    FilterHolder filter = new FilterHolder(jobsFilter);
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));

    JobAnswers answers = new JobAnswers(queue, Duration.ofSeconds(120));
    ServletHolder upload = new ServletHolder(new ImagesServlet(json, images));
    upload
        .getRegistration()
        .setMultipartConfig(
            new MultipartConfigElement(
                options.dataDir().resolve("uploads").toString(),
                ImageStore.MAX_BYTES,
                ImageStore.MAX_BYTES + 64 * 1024,
                1024 * 1024));
    context.addServlet(upload, "/api/images/*");
    context.addServlet(
        new ServletHolder(new AnalyzersServlet(json, analyzers)), "/api/analyzers/*");
    context.addServlet(
        new ServletHolder(new AnalyzeServlet(json, queue, analyzers, images, answers)),
        "/api/analyze/*");
    context.addServlet(
        new ServletHolder(new GenerateServlet(json, queue, answers, parts.cleanup())),
        "/api/generate/*");
    context.addServlet(
        new ServletHolder(new PresetsServlet(json, presets, parts.previews(), answers)),
        "/api/presets/*");
    context.addServlet(new ServletHolder(new StaticServlet(json)), "/");
    server.setHandler(context);
    return server;
  }

  /** The app's own services the servlets use. */
  private record Parts(
      Analyzers analyzers,
      ImageStore images,
      PresetStore presets,
      TrackedPreview previews,
      GeneratedCleanup cleanup) {}

  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  public URI uri() {
    return URI.create("http://localhost:" + port() + "/");
  }

  public JobQueue queue() {
    return queue;
  }

  /**
   * Stops accepting requests, stops the queue (waiting briefly for running jobs), closes the store.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // end the SSE streams first: they are long-lived requests a graceful stop would wait for
    filter.destroy();
    stopQuietly(server);
    previews.close();
    try {
      queue.close();
    } finally {
      try {
        StoreSpec.close(store);
      } catch (Exception e) {
        LOG.warn("Closing the job store failed", e);
      }
    }
    LOG.info("jobqueue example app stopped");
  }

  private static void stopQuietly(Server server) {
    if (server == null) {
      return;
    }
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Stopping Jetty failed", e);
    }
  }
}
