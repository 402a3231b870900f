package dev.jobqueue.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.micrometer.JobObservations;
import dev.jobqueue.micrometer.JobQueueMetrics;
import dev.jobqueue.spring.boot.internal.JobQueueHealthIndicator;
import dev.jobqueue.spring.boot.internal.JobQueueLifecycle;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class JobQueueMetricsAndHealthTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(JobQueueAutoConfigurationTest.ALL)
          .withUserConfiguration(Handlers.Two.class);

  private final ApplicationContextRunner withRegistry =
      runner.withConfiguration(
          AutoConfigurations.of(
              MetricsAutoConfiguration.class,
              CompositeMeterRegistryAutoConfiguration.class,
              SimpleMetricsExportAutoConfiguration.class));

  @Test
  void theMetersAreBoundToTheApplicationsRegistry() {
    withRegistry
        .withPropertyValues("jobqueue.metrics.percentiles=0.5,0.95", "jobqueue.metrics.max-types=5")
        .run(
            ctx -> {
              JobQueue queue = ctx.getBean(JobQueue.class);
              JobQueueMetrics metrics = ctx.getBean(JobQueueMetrics.class);
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              Job job = queue.submit(JobRequest.builder("analyze", "a").build());
              queue.await(job.id(), JobQueueAutoConfigurationTest.WAIT);
              Awaitility.await()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> metrics.lastRecordedSequence() == queue.lastSequence());

              assertThat(
                      registry
                          .get("jobqueue.jobs.finished")
                          .tag("type", "analyze")
                          .tag("outcome", "completed")
                          .counter()
                          .count())
                  .isEqualTo(1.0);
              assertThat(registry.find("jobqueue.jobs").tag("type", "thumbnail").gauges())
                  .hasSize(5);
              Timer run = registry.get("jobqueue.job.duration").tag("type", "analyze").timer();
              assertThat(run.takeSnapshot().percentileValues())
                  .extracting(v -> v.percentile())
                  .containsExactly(0.5, 0.95);
            });
  }

  @Test
  void typeCapAndHistogramProperties() {
    // SimpleMeterRegistry publishes no buckets, so see the timer's configuration on its way in
    java.util.Map<String, Boolean> histogram = new java.util.concurrent.ConcurrentHashMap<>();
    MeterFilter spy =
        new MeterFilter() {
          @Override
          public DistributionStatisticConfig configure(
              Meter.Id id, DistributionStatisticConfig config) {
            if (id.getName().equals("jobqueue.job.duration")) {
              histogram.put(id.getTag("type"), Boolean.TRUE.equals(config.isPercentileHistogram()));
            }
            return config;
          }
        };
    withRegistry
        .withBean(MeterFilter.class, () -> spy)
        .withPropertyValues(
            "jobqueue.metrics.max-types=1", "jobqueue.metrics.percentile-histogram=true")
        .run(
            ctx -> {
              JobQueue queue = ctx.getBean(JobQueue.class);
              JobQueueMetrics metrics = ctx.getBean(JobQueueMetrics.class);
              MeterRegistry registry = ctx.getBean(MeterRegistry.class);
              Job job = queue.submit(JobRequest.builder("thumbnail", "t").build());
              queue.await(job.id(), JobQueueAutoConfigurationTest.WAIT);
              Awaitility.await()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> metrics.lastRecordedSequence() == queue.lastSequence());

              // handled types are admitted by name: "analyze" takes the only place
              assertThat(registry.find("jobqueue.jobs").tag("type", "analyze").gauges()).hasSize(5);
              Timer run = registry.get("jobqueue.job.duration").tag("type", "other").timer();
              assertThat(run.count()).isEqualTo(1);
              assertThat(histogram).containsEntry("other", true);
            });
  }

  @Test
  void metricsBackOff() {
    withRegistry
        .withPropertyValues("jobqueue.metrics.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(JobQueueMetrics.class));
    runner
        .withClassLoader(new FilteredClassLoader("io.micrometer.core"))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("jobQueueMetrics"));
  }

  @Test
  void observationsWrapHandlerRunsWhenSwitchedOn() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    runner
        .withBean(ObservationRegistry.class, () -> observations)
        .withPropertyValues("jobqueue.observation.enabled=true")
        .run(
            ctx -> {
              JobQueue queue = ctx.getBean(JobQueue.class);
              Job job = queue.submit(JobRequest.builder("thumbnail", "t").build());
              queue.await(job.id(), JobQueueAutoConfigurationTest.WAIT);
              TestObservationRegistryAssert.assertThat(observations)
                  .hasSingleObservationThat()
                  .hasNameEqualTo(JobObservations.NAME)
                  .hasLowCardinalityKeyValue("type", "thumbnail")
                  .hasHighCardinalityKeyValue("job.id", job.id());
            });
  }

  @Test
  void healthReportsCountsBacklogAndAStoppedQueue() {
    runner
        .withPropertyValues("jobqueue.workers=0", "jobqueue.health.max-backlog=1")
        .run(
            ctx -> {
              JobQueueHealthIndicator health = ctx.getBean(JobQueueHealthIndicator.class);
              JobQueue queue = ctx.getBean(JobQueue.class);
              queue.submit(JobRequest.builder("analyze", "a").build()); // no worker takes it
              Health one = health.health(true);
              assertThat(one.getStatus()).isEqualTo(Status.UP);
              assertThat(one.getDetails())
                  .containsEntry("queued", 1L)
                  .containsEntry("running", 0L)
                  .containsKey("types");

              queue.submit(JobRequest.builder("analyze", "b").build());
              Health two = health.health(true);
              assertThat(two.getStatus()).isEqualTo(Status.DOWN);
              assertThat(two.getDetails())
                  .containsEntry("reason", "2 queued jobs exceed jobqueue.health.max-backlog=1");

              ctx.getBean(JobQueueLifecycle.class).stop();
              assertThat(health.health(true).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            });
  }

  @Test
  void healthBacksOff() {
    runner
        .withPropertyValues("management.health.jobqueue.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(JobQueueHealthIndicator.class));
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean("jobqueueHealthIndicator"));
  }
}
