package dev.jobqueue.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobQueueBuilder;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecoveryPolicy;
import dev.jobqueue.Retention;
import dev.jobqueue.RetryBackoff;
import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spring.boot.internal.JobQueueLifecycle;
import dev.jobqueue.spring.boot.internal.JobQueueSettings;
import dev.jobqueue.sqlite.SqliteJobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;

class JobQueueAutoConfigurationTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  static final AutoConfigurations ALL =
      AutoConfigurations.of(
          JobQueueAutoConfiguration.class,
          JobQueueWebAutoConfiguration.class,
          JobQueueMetricsAutoConfiguration.class,
          JobQueueHealthAutoConfiguration.class);

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withConfiguration(ALL);

  @Test
  void defaultsGiveAnInMemoryQueueWithTheLibraryDefaults() {
    runner.run(
        ctx -> {
          assertThat(ctx).hasSingleBean(JobQueue.class);
          assertThat(ctx.getBean(JobStore.class)).isInstanceOf(InMemoryJobStore.class);
          assertThat(ctx.getBean(JobQueueSettings.class))
              .isEqualTo(
                  new JobQueueSettings(
                      JobQueueBuilder.DEFAULT_WORKERS,
                      JobQueueBuilder.DEFAULT_MAX_ATTEMPTS,
                      RecoveryPolicy.FAIL,
                      JobQueueBuilder.DEFAULT_SHUTDOWN_TIMEOUT,
                      Retention.DEFAULT,
                      RetryBackoff.DEFAULT));
          assertThat(ctx.getBean(JobQueue.class).handledTypes()).isEmpty();
          assertThat(ctx).doesNotHaveBean("jobQueueFilter"); // not a web application
        });
  }

  @Test
  void everyQueuePropertyReachesTheSettings() {
    runner
        .withPropertyValues(
            "jobqueue.workers=3",
            "jobqueue.default-max-attempts=4",
            "jobqueue.recovery-policy=requeue",
            "jobqueue.shutdown-timeout=7s",
            "jobqueue.retention.max-age=2h",
            "jobqueue.retention.keep-last=500",
            "jobqueue.retention.interval=30s",
            "jobqueue.retry-backoff.initial=250ms",
            "jobqueue.retry-backoff.multiplier=3",
            "jobqueue.retry-backoff.max=1m")
        .run(
            ctx ->
                assertThat(ctx.getBean(JobQueueSettings.class))
                    .isEqualTo(
                        new JobQueueSettings(
                            3,
                            4,
                            RecoveryPolicy.REQUEUE,
                            Duration.ofSeconds(7),
                            new Retention(Duration.ofHours(2), 500, Duration.ofSeconds(30)),
                            new RetryBackoff(Duration.ofMillis(250), 3.0, Duration.ofMinutes(1)))));
  }

  @Test
  void partOfARecordKeepsTheOtherDefaults() {
    runner
        .withPropertyValues("jobqueue.retention.keep-last=5", "jobqueue.retry-backoff.max=2s")
        .run(
            ctx -> {
              JobQueueSettings s = ctx.getBean(JobQueueSettings.class);
              assertThat(s.retention())
                  .isEqualTo(
                      new Retention(Retention.DEFAULT.maxAge(), 5, Retention.DEFAULT.interval()));
              assertThat(s.retryBackoff())
                  .isEqualTo(
                      new RetryBackoff(
                          RetryBackoff.DEFAULT.initial(),
                          RetryBackoff.DEFAULT.multiplier(),
                          Duration.ofSeconds(2)));
            });
  }

  @Test
  void attemptsAndBackoffReachTheQueue() {
    runner
        .withUserConfiguration(Handlers.FlakyOnce.class)
        .withPropertyValues(
            "jobqueue.default-max-attempts=2",
            "jobqueue.retry-backoff.initial=10ms",
            "jobqueue.retry-backoff.max=10ms")
        .run(
            ctx -> {
              JobQueue queue = ctx.getBean(JobQueue.class);
              Job job = queue.submit(JobRequest.builder("flaky", "flaky").build());
              Job done = queue.await(job.id(), WAIT);
              assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
              assertThat(done.attempt()).isEqualTo(2);
            });
  }

  @Test
  void badValuesStopTheStartNamingTheProperty() {
    runner
        .withPropertyValues("jobqueue.retry-backoff.initial=10s", "jobqueue.retry-backoff.max=1s")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageStartingWith("jobqueue.retry-backoff: backoff needs 0 <= initial"));
    runner
        .withPropertyValues("jobqueue.workers=-1")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessage("jobqueue.workers: workers must not be negative, got -1"));
    runner
        .withPropertyValues("jobqueue.retention.keep-last=-2")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessage(
                        "jobqueue.retention: retention keepLast must not be negative, got -2"));
  }

  @Test
  void sqliteStoreOpensTheFileAtThePath(@TempDir Path dir) {
    Path file = dir.resolve("data/jobs.db");
    runner
        .withUserConfiguration(Handlers.Two.class)
        .withPropertyValues("jobqueue.store.type=sqlite", "jobqueue.store.path=" + file)
        .run(
            ctx -> {
              assertThat(ctx.getBean(JobStore.class)).isInstanceOf(SqliteJobStore.class);
              assertThat(((SqliteJobStore) ctx.getBean(JobStore.class)).file())
                  .isEqualTo(file.toString());
              JobQueue queue = ctx.getBean(JobQueue.class);
              Job job = queue.submit(JobRequest.builder("analyze", "a").build());
              assertThat(queue.await(job.id(), WAIT).status()).isEqualTo(JobStatus.COMPLETED);
            });
    assertThat(Files.exists(file)).isTrue();
  }

  @Test
  void sqliteWithoutTheModuleSaysWhatToAdd() {
    runner
        .withClassLoader(new FilteredClassLoader("dev.jobqueue.sqlite"))
        .withPropertyValues("jobqueue.store.type=sqlite")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("needs dev.jobqueue:jobqueue-sqlite on the classpath"));
  }

  @Test
  void everyHandlerBeanRunsItsType() {
    runner
        .withUserConfiguration(Handlers.Two.class)
        .run(
            ctx -> {
              JobQueue queue = ctx.getBean(JobQueue.class);
              assertThat(queue.handledTypes()).containsExactlyInAnyOrder("analyze", "thumbnail");
              Job a = queue.submit(JobRequest.builder("analyze", "a").build());
              Job t = queue.submit(JobRequest.builder("thumbnail", "t").build());
              assertThat(queue.await(a.id(), WAIT).result()).isEqualTo(Map.of("colors", 3));
              assertThat(queue.await(t.id(), WAIT).result()).isEqualTo(Map.of("width", 64));
            });
  }

  @Test
  void aHandlerWithoutAJobTypeStopsTheStart() {
    runner
        .withUserConfiguration(Handlers.Untyped.class)
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessage(
                        "JobHandler bean 'mystery' declares no job type: annotate its class or"
                            + " its @Bean method with @JobType(\"<type>\")"));
  }

  @Test
  void twoHandlersForOneTypeStopTheStart() {
    runner
        .withUserConfiguration(Handlers.Duplicate.class)
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessage(
                        "job type 'analyze' has two handler beans, 'analyzeHandler' and"
                            + " 'otherAnalyzer': keep one, or give one of them another"
                            + " @JobType"));
  }

  @Test
  void customizersRunAfterTheProperties() {
    runner
        .withPropertyValues("jobqueue.workers=1")
        .withBean(
            JobQueueCustomizer.class,
            () -> builder -> builder.handler("extra", ctx -> Map.of("from", "customizer")))
        .run(
            ctx -> {
              JobQueue queue = ctx.getBean(JobQueue.class);
              assertThat(queue.handledTypes()).containsExactly("extra");
              Job j = queue.submit(JobRequest.builder("extra", "x").build());
              assertThat(queue.await(j.id(), WAIT).result())
                  .isEqualTo(Map.of("from", "customizer"));
            });
  }

  @Test
  void aHostStoreIsUsed() {
    InMemoryJobStore store = new InMemoryJobStore();
    runner
        .withBean(JobStore.class, () -> store)
        .withPropertyValues("jobqueue.store.type=sqlite") // the host's bean wins
        .run(
            ctx -> {
              assertThat(ctx.getBean(JobStore.class)).isSameAs(store);
              JobQueue queue = ctx.getBean(JobQueue.class);
              Job j = queue.tracker().create(JobRequest.builder("tracked", "t").build());
              assertThat(store.get(j.id())).isPresent();
            });
  }

  @Test
  void aHostQueueReplacesTheStartersQueue(@TempDir Path dir) {
    JobQueue own = JobQueue.builder().workers(0).build();
    try {
      runner
          .withBean(JobQueue.class, () -> own)
          .withUserConfiguration(Handlers.Two.class)
          .withPropertyValues(
              "jobqueue.store.type=sqlite", "jobqueue.store.path=" + dir.resolve("never.db"))
          .run(
              ctx -> {
                assertThat(ctx).hasSingleBean(JobQueue.class);
                assertThat(ctx.getBean(JobQueue.class)).isSameAs(own);
                assertThat(ctx).doesNotHaveBean(JobStore.class);
                assertThat(ctx).hasSingleBean(JobQueueLifecycle.class);
              });
    } finally {
      own.close();
    }
    assertThat(dir.resolve("never.db")).doesNotExist();
  }

  @Test
  void disabledMeansNoQueue() {
    runner
        .withPropertyValues("jobqueue.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(JobQueue.class));
  }

  @Test
  void theQueueClosesInTheGracefulShutdownPhase() {
    JobQueue[] queue = new JobQueue[1];
    runner.run(
        ctx -> {
          queue[0] = ctx.getBean(JobQueue.class);
          JobQueueLifecycle lifecycle = ctx.getBean(JobQueueLifecycle.class);
          assertThat(lifecycle.getPhase()).isEqualTo(SmartLifecycle.DEFAULT_PHASE - 1024);
          assertThat(lifecycle.isRunning()).isTrue();
        });
    assertThatThrownBy(() -> queue[0].submit(JobRequest.builder("x", "x").build()))
        .isInstanceOf(dev.jobqueue.JobQueueClosedException.class)
        .hasMessageContaining("is closed");
  }
}
