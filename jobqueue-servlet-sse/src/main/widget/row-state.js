// What a task row shows, decided from the job JSON alone: pure functions the DOM code applies.

import { ACTIVE, TERMINAL } from './status.js';
import { formatDuration, time } from './format.js';
import { startsIn } from './delayed.js';

/**
 * Progress in whole percent: a completed job is always 100, and nothing else ever is (a parent
 * whose children are nearly all done reads 1.0 while its last child still runs: 99 %).
 */
export function percentOf(job) {
  if (job.status === 'completed') {
    return 100;
  }
  const p = Number(job.progress);
  return Number.isFinite(p) ? Math.max(0, Math.min(99, Math.floor(p * 100))) : 0;
}

/**
 * The percent to draw, given what the row drew before ({status, attempt, pct} or undefined).
 * A running bar never moves backwards within one attempt: a parent whose own work is done is
 * re-measured by its children (e.g. a follow-up preview task), which would look like a reset.
 */
export function shownPercent(job, shown) {
  let pct = percentOf(job);
  if (shown && job.status === 'running' && shown.status === 'running' && shown.attempt === job.attempt && pct < shown.pct) {
    pct = shown.pct;
  }
  return { status: job.status, attempt: job.attempt, pct };
}

/**
 * True while a cancel of this job is under way: the server says so (cancel_requested of a job
 * still running), or this page asked and has no answer yet (pendingCancel).
 */
export function isCancelling(job, pendingCancel = false) {
  if (!ACTIVE.has(job.status)) {
    return false;
  }
  return pendingCancel || (job.cancel_requested === true && job.status === 'running');
}

/**
 * Which buttons a row shows. ctx: {pendingCancel, nested (shown under its parent), history (a
 * row of the history view)}.
 */
export function actionsOf(job, ctx = {}) {
  const name = job.title || job.job_id;
  const cancelling = isCancelling(job, Boolean(ctx.pendingCancel));
  return {
    cancel: {
      hidden: !(job.cancelable !== false && ACTIVE.has(job.status)),
      disabled: cancelling,
      text: cancelling ? 'Cancelling…' : 'Cancel',
      label: (cancelling ? 'Cancelling ' : 'Cancel ') + name,
    },
    retry: { hidden: !(job.status === 'failed' || job.status === 'cancelled'), label: 'Retry ' + name },
    dismiss: {
      hidden: !TERMINAL.has(job.status) || (Boolean(ctx.nested) && !ctx.history),
      label: (ctx.history ? 'Delete ' : 'Dismiss ') + name,
    },
  };
}

/** The progress message line ("Waiting to start…" for a queued job without one). */
export function messageOf(job) {
  return job.progress_message || (job.status === 'queued' ? 'Waiting to start…' : '');
}

/** The first line of a failed job's error, or ''. */
export function errorLineOf(job) {
  return job.status === 'failed' && job.error ? String(job.error).split('\n')[0] : '';
}

/** {elapsed, eta} texts at now (epoch millis); eta is '' when unknown. */
export function timesOf(job, now) {
  const started = time(job.started_at);
  const created = time(job.created_at);
  const ended = time(job.completed_at);
  let elapsed = '';
  if (job.status === 'queued') {
    elapsed = startsIn(job, now) || (created === null ? '' : 'Queued ' + formatDuration((now - created) / 1000));
  } else if (started !== null) {
    const end = TERMINAL.has(job.status) && ended !== null ? ended : now;
    elapsed = (TERMINAL.has(job.status) ? 'Took ' : 'Elapsed ') + formatDuration(Math.max(0, end - started) / 1000);
  }
  let eta = null;
  if (job.status === 'running') {
    if (typeof job.eta_seconds === 'number') {
      eta = job.eta_seconds;
    } else if (started !== null && job.progress > 0.02 && job.progress < 1) {
      const spent = (now - started) / 1000;
      eta = (spent * (1 - job.progress)) / job.progress;
    }
  }
  // "ETA 0s" on a job that still runs (a parent waiting for its last child) would claim it done
  return { elapsed, eta: eta === null || eta < 1 ? '' : 'ETA ' + formatDuration(eta) };
}
