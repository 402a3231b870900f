package dev.jobqueue.internal;

import static dev.jobqueue.internal.PendingEvent.ABANDONED;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drainer only: puts a claim's events in their place in {@link OrderedRelease}'s order.
 *
 * <p>A claim is the one write the store makes on its own (it picks the jobs), so its marker is
 * queued before the claim without knowing which versions it will take. It may therefore overtake
 * the event that made a job it claims queued (its creation, a retry, a requeue), which breaks the
 * version-order invariant of the queue for that job. Invariant restored here: <em>a claimed version
 * is released right after the event of the queued version it was claimed from</em>.
 */
final class ClaimReconciliation {
  private ClaimReconciliation() {}

  /** One version of one job. */
  private record Version(String jobId, long version) {}

  /**
   * Pins each job the claim took on the entry that made its queued version, or releases it now if
   * that entry left already.
   *
   * <p>That entry was queued before the queued version was stored, so before the claim returned: it
   * has left already, or it is held back behind its job's unfinished creation ({@code heldJobs},
   * whose entries precede the claim), or it is among the entries queued while the claim ran (up to
   * {@link PendingEvent#lastBeforeClaimEnded}). A claim of one job walks those entries; a batch
   * indexes them once, since a durable store's claim may run while hundreds are queued.
   */
  static void pinOrRelease(
      PendingEvent claim, Map<String, PendingEvent> heldJobs, OrderedRelease.Sink sink) {
    List<Job> jobs = claim.claimed;
    Map<Version, PendingEvent> queuedWhileClaiming = null;
    if (jobs.size() > 1) {
      queuedWhileClaiming = new HashMap<>();
      for (PendingEvent p = claim; (p = after(p, claim.lastBeforeClaimEnded)) != null; ) {
        if (madeQueued(p)) {
          // of twins, the later one: pinned on either, the claim leaves after the one that stored
          queuedWhileClaiming.put(new Version(p.job.id(), p.job.version()), p);
        }
      }
    }
    for (Job running : jobs) {
      long from = running.version() - 1;
      PendingEvent made = heldJobs == null ? null : heldJobs.get(running.id());
      if (made == null || !madeQueued(made) || made.job.version() != from) {
        made =
            queuedWhileClaiming != null
                ? queuedWhileClaiming.get(new Version(running.id(), from))
                : queuedWhileClaiming(claim, running.id(), from);
      }
      if (made != null) {
        made.claimAfter = running; // OrderedRelease.dispatch releases it right after made
      } else {
        sink.release(JobEvent.Kind.UPDATED, running, true);
      }
    }
  }

  /**
   * A later entry that may have stored the same queued version as {@code failed}, or null.
   *
   * <p>Invariant (twin events for a version): two writers that read the same version may both queue
   * an event for the next one (a retry and a cancel, say); the store's compare-and-set lets at most
   * one store it. A claim pinned on the twin that lost belongs after the twin that won: if that
   * twin is still queued behind it the claim moves there, and if none is, the winner was queued
   * before the claim's window and has left, so the caller releases the claim at once.
   */
  static PendingEvent laterTwin(PendingEvent failed) {
    for (PendingEvent p = failed.next; p != null; p = p.next) {
      if (madeQueued(p, failed.job.id(), failed.job.version())) {
        return p;
      }
    }
    return null;
  }

  /** The entry queued while {@code claim} ran that made version {@code version} of the job. */
  private static PendingEvent queuedWhileClaiming(PendingEvent claim, String jobId, long version) {
    for (PendingEvent p = claim; (p = after(p, claim.lastBeforeClaimEnded)) != null; ) {
      if (madeQueued(p, jobId, version)) {
        return p;
      }
    }
    return null;
  }

  /** The entry after {@code p}, or null once {@code p} is {@code last}. */
  private static PendingEvent after(PendingEvent p, PendingEvent last) {
    if (p == last) {
      return null;
    }
    PendingEvent n = p.next;
    while (n == null) {
      Thread.yield(); // its producer is between swapping the tail and linking: let it run
      n = p.next;
    }
    return n;
  }

  /**
   * An entry that may have stored a queued snapshot: not a deletion (its snapshot is the version it
   * removed), and not a write known to have failed, which can never be where a claim waits.
   */
  private static boolean madeQueued(PendingEvent p) {
    return p.job != null
        && p.kind != JobEvent.Kind.DELETED
        && p.job.status() == JobStatus.QUEUED
        && p.state != ABANDONED;
  }

  private static boolean madeQueued(PendingEvent p, String jobId, long version) {
    return madeQueued(p) && p.job.version() == version && p.job.id().equals(jobId);
  }
}
