package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.servlet.JobQueueFilter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The web filter's SSE meters: open streams, and clients dropped for reading too slowly. */
public final class SseMeters implements MeterBinder {
  private final JobQueueFilter filter;

  public SseMeters(JobQueueFilter filter) {
    this.filter = filter;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("jobqueue.sse.connections", filter, JobQueueFilter::openConnections)
        .description("Open SSE streams")
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder("jobqueue.sse.dropped", filter, JobQueueFilter::droppedClients)
        .description("SSE clients dropped because their buffer overflowed")
        .register(registry);
  }
}
