package dev.jobqueue.micrometer;

import dev.jobqueue.JobHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * Wraps handlers so that each run is a Micrometer {@link Observation} named {@value #NAME}, for
 * tracing backends: low-cardinality key {@code type}, high-cardinality keys {@code job.id} and
 * {@code attempt}. A run that throws is an observation with that error (a cancel included).
 *
 * <pre>{@code
 * JobQueue.builder().handler("analyze", JobObservations.observe(observations, "analyze", handler))
 * }</pre>
 *
 * <p>The observation covers the handler's own code on the worker thread, not the time the job
 * waited or the store writes around it (the public API runs no code of ours there).
 */
public final class JobObservations {
  public static final String NAME = "jobqueue.job.run";

  private JobObservations() {}

  /** {@code handler}, observed in {@code registry}; a no-op registry costs almost nothing. */
  public static JobHandler observe(ObservationRegistry registry, String type, JobHandler handler) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    return ctx ->
        Observation.createNotStarted(NAME, registry)
            .contextualName("job " + type)
            .lowCardinalityKeyValue("type", type)
            .highCardinalityKeyValue("job.id", ctx.jobId())
            .highCardinalityKeyValue("attempt", Integer.toString(ctx.attempt()))
            // starts, opens a scope on the worker thread, records an error, stops
            .observeChecked(() -> handler.run(ctx));
  }
}
