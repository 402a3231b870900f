package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.internal.Cause.Rollup;
import dev.jobqueue.internal.Cause.Rollup.Outcome;
import dev.jobqueue.spi.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parent's state derived from its children: progress is the mean of the children's (an ended
 * child counts as 1.0), the message reads "3/6 tasks done" (of the required children when some are
 * optional), and once the parent's own work is done (its handler returned; or it is tracked and has
 * as many children as its {@code total_steps} announced, as the seed's comprehensive analysis does)
 * and every child has ended, the parent ends: failed when a required child failed or was cancelled,
 * otherwise completed with a warning per failed optional child.
 */
final class ParentRollup {
  private ParentRollup() {}

  /** What {@code p}'s children do to it now, or null when nothing changes. */
  static Rollup of(Job p, JobStore store, Instant now) {
    if (p.isTerminal() || p.childJobIds().isEmpty()) {
      return null;
    }
    if (!p.tracked() && !p.awaitingChildren()) {
      // Its handler still runs and may spawn more children: a rollup now would show "1/1 done"
      // after the first child. The handler reports its own progress until it returns.
      return null;
    }
    int n = p.childJobIds().size();
    int done = 0;
    int required = 0;
    int requiredDone = 0;
    int completed = 0;
    boolean anyStarted = false;
    double sum = 0;
    List<String> requiredFailures = new ArrayList<>();
    List<String> optionalFailures = new ArrayList<>();
    for (String id : p.childJobIds()) {
      Optional<Job> c = store.get(id);
      if (c.isEmpty()) { // deleted: only ended jobs can be deleted
        done++;
        required++;
        requiredDone++;
        completed++;
        sum += 1.0;
        continue;
      }
      Job child = c.get();
      if (!child.optional()) {
        required++;
      }
      if (child.isTerminal()) {
        done++;
        if (!child.optional()) {
          requiredDone++;
        }
        sum += 1.0;
        anyStarted = true;
        if (child.status() == JobStatus.COMPLETED) {
          completed++;
        } else {
          String what =
              "'"
                  + child.title()
                  + "' ("
                  + child.id()
                  + ") "
                  + (child.status() == JobStatus.CANCELLED
                      ? "was cancelled"
                      : "failed: " + child.error());
          (child.optional() ? optionalFailures : requiredFailures).add(what);
        }
      } else {
        sum += child.progress();
        anyStarted |= child.status() == JobStatus.RUNNING;
      }
    }
    // With required and optional children (analyses and their previews), the count and the
    // announced total are of the required ones: "3/6 tasks done" reads as the analyses.
    // A tracked parent may announce how many (required) children are coming; until they all
    // exist, the ones that ended early must not end the parent.
    boolean announced = p.tracked() && p.totalSteps() != null;
    boolean mixed = required < n && (required > 0 || announced);
    int counted = mixed ? required : n;
    int countedDone = mixed ? requiredDone : done;
    int expected = announced ? Math.max(counted, p.totalSteps()) : counted;
    int stillToCome = expected - counted;
    // Never backwards within an attempt: a handler may have reported its own progress before its
    // children existed, and a bar that jumps from 100 % to 0 % reads as a failure.
    double progress =
        Math.max(p.progress(), Math.round(sum / (n + stillToCome) * 10_000.0) / 10_000.0);
    String message = countedDone + "/" + expected + " tasks done";
    boolean ownWorkDone = p.awaitingChildren() || stillToCome == 0;
    if (done == n && ownWorkDone) {
      LinkedHashSet<String> warnings = new LinkedHashSet<>(p.warnings());
      for (String f : optionalFailures) {
        warnings.add("optional task " + f);
      }
      if (!requiredFailures.isEmpty()) {
        String error =
            requiredFailures.size() == 1
                ? "task " + requiredFailures.get(0)
                : requiredFailures.size()
                    + " of "
                    + n
                    + " tasks did not complete; first: task "
                    + requiredFailures.get(0);
        return new Rollup(
            Outcome.FAIL, progress, message, null, List.copyOf(warnings), error, null);
      }
      if (p.status() == JobStatus.RUNNING) {
        Map<String, Object> result = p.result();
        if (result == null) {
          Map<String, Object> summary = new LinkedHashMap<>();
          summary.put("children_completed", completed);
          summary.put("children_failed", n - completed);
          result = summary;
        }
        return new Rollup(
            Outcome.COMPLETE, 1.0, message, null, List.copyOf(warnings), null, result);
      }
      // A queued tracked parent runs before it completes (the state machine has no shortcut);
      // the caller rolls up again after this start.
      anyStarted = true;
    }
    if (p.tracked() && p.status() == JobStatus.QUEUED && anyStarted) {
      return new Rollup(Outcome.START, progress, message, null, null, null, null);
    }
    if (progress == p.progress() && message.equals(p.progressMessage())) {
      return null;
    }
    Double eta = p.startedAt() == null ? null : Progress.eta(p, progress, now, null);
    return new Rollup(Outcome.PROGRESS, progress, message, eta, null, null, null);
  }
}
