// The jobs this page knows: the latest snapshot of each, and the questions the panel asks of
// them. No DOM and no timers, so every rule here is unit-tested in Node.

import { ACTIVE, GROUPS, TERMINAL } from './status.js';
import { time } from './format.js';

export const MAX_JOBS = 2000;

export class JobStore {
  constructor({ maxJobs = MAX_JOBS } = {}) {
    this.maxJobs = maxJobs;
    this.jobs = new Map(); // job_id -> latest job JSON
    this.seenActive = new Set(); // ids seen queued/running in this page: their endings notify
    this.pendingCancel = new Set(); // ids whose cancel this page sent and the status has not moved
  }

  get size() {
    return this.jobs.size;
  }

  get(id) {
    return this.jobs.get(id);
  }

  has(id) {
    return this.jobs.has(id);
  }

  values() {
    return Array.from(this.jobs.values());
  }

  ids() {
    return Array.from(this.jobs.keys());
  }

  /**
   * Takes a job snapshot from the stream or a REST answer. Returns null when it is not a job or
   * is older than the one known (a REST answer racing the stream); otherwise what changed:
   * {job, previous, statusChanged, ended}. ended is true once, when a job this page saw active
   * reaches a terminal status: the caller announces it.
   */
  upsert(job) {
    if (!job || typeof job.job_id !== 'string') {
      return null;
    }
    const id = job.job_id;
    const previous = this.jobs.get(id);
    if (previous && previous.updated_at && job.updated_at && Date.parse(job.updated_at) < Date.parse(previous.updated_at)) {
      return null;
    }
    this.jobs.set(id, job);
    const statusChanged = !previous || previous.status !== job.status;
    const wasActive = this.seenActive.has(id);
    if (ACTIVE.has(job.status)) {
      this.seenActive.add(id);
    }
    if (statusChanged) {
      this.pendingCancel.delete(id);
    }
    let ended = false;
    if (wasActive && TERMINAL.has(job.status) && statusChanged) {
      this.seenActive.delete(id);
      ended = true;
    }
    return { job, previous, statusChanged, ended };
  }

  /** Forgets a job (deleted on the server). Returns whether it was known. */
  remove(id) {
    this.seenActive.delete(id);
    this.pendingCancel.delete(id);
    return this.jobs.delete(id);
  }

  /**
   * Forgets every job (the stream's reset: the full current state follows). The ids seen active
   * are kept, so a job that ended while the page was cut off still announces its end when the
   * rebuilt state brings it back finished. Returns the ids that were known.
   */
  clear() {
    const ids = this.ids();
    this.jobs.clear();
    this.pendingCancel.clear();
    return ids;
  }

  /** A retried job counts as seen active at once, so its next end notifies. */
  markActive(id) {
    this.seenActive.add(id);
  }

  markCancelPending(id, pending) {
    if (pending) {
      this.pendingCancel.add(id);
    } else {
      this.pendingCancel.delete(id);
    }
  }

  isCancelPending(id) {
    return this.pendingCancel.has(id);
  }

  /** A child whose parent is known is shown under its parent, not at top level. */
  isNested(job) {
    return Boolean(job.parent_job_id) && this.jobs.has(job.parent_job_id);
  }

  topLevel() {
    return this.values().filter((j) => !this.isNested(j));
  }

  /** The known children of job ({job}s, in child_job_ids order). */
  children(job) {
    return (job.child_job_ids || []).map((c) => this.jobs.get(c)).filter(Boolean);
  }

  descendants(job, depth = 0) {
    const out = [];
    if (depth > 5) {
      return out;
    }
    for (const child of this.children(job)) {
      out.push(child, ...this.descendants(child, depth + 1));
    }
    return out;
  }

  /**
   * {done, total, extra} of a parent's children, or null for a job without children: done/total
   * count the required ones (the seed's "Comprehensive analysis (3/6)"); optional follow-ups such
   * as previews are extra, left out of the count. A child not loaded yet counts as required.
   */
  childProgress(job) {
    const ids = Array.isArray(job.child_job_ids) ? job.child_job_ids : [];
    if (ids.length === 0) {
      return null;
    }
    let done = 0;
    let total = 0;
    let extra = 0;
    for (const id of ids) {
      const child = this.jobs.get(id);
      if (child && child.optional === true) {
        extra++;
      } else {
        total++;
        done += child && TERMINAL.has(child.status) ? 1 : 0;
      }
    }
    return { done, total, extra };
  }

  /** The parent id to fetch, when job names a parent this page does not know. */
  missingParent(job) {
    return job.parent_job_id && !this.jobs.has(job.parent_job_id) ? job.parent_job_id : null;
  }

  hasMissingChildren(job) {
    return Array.isArray(job.child_job_ids) && job.child_job_ids.some((c) => !this.jobs.has(c));
  }

  /** filters: {text (lower case), status, type}; a parent matches through its subtasks too. */
  matches(job, filters) {
    if (filters.status && job.status !== filters.status) {
      return false;
    }
    const tree = [job, ...this.descendants(job)];
    if (filters.type && !tree.some((j) => j.type === filters.type)) {
      return false;
    }
    return !filters.text || tree.some((j) => (j.title || '').toLowerCase().includes(filters.text));
  }

  /**
   * The top-level jobs the live view shows, by status in GROUPS order: running by start, queued
   * by priority then age, finished newest first. isHidden(job) says dismissed.
   */
  groups(filters, isHidden) {
    const byStatus = new Map(GROUPS.map(([s]) => [s, []]));
    for (const job of this.topLevel()) {
      if (!isHidden(job) && this.matches(job, filters) && byStatus.has(job.status)) {
        byStatus.get(job.status).push(job);
      }
    }
    const order = {
      running: (a, b) => (time(a.started_at) || 0) - (time(b.started_at) || 0),
      queued: (a, b) => (b.priority || 0) - (a.priority || 0) || (time(a.created_at) || 0) - (time(b.created_at) || 0),
    };
    const newestEnd = (a, b) => (time(b.completed_at) || 0) - (time(a.completed_at) || 0);
    for (const [status, jobs] of byStatus) {
      jobs.sort(order[status] || newestEnd);
    }
    return byStatus;
  }

  /**
   * The same jobs as groups(), grouped by type instead (types in name order; within a type, the
   * status order of the panel).
   */
  typeGroups(filters, isHidden) {
    const byType = new Map();
    for (const jobs of this.groups(filters, isHidden).values()) {
      for (const job of jobs) {
        const type = job.type || '';
        if (!byType.has(type)) {
          byType.set(type, []);
        }
        byType.get(type).push(job);
      }
    }
    return new Map(Array.from(byType.entries()).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  }

  /** The floating button's look: {state: idle|running|queued|failed|completed, active: count}. */
  badge(isHidden) {
    const top = this.topLevel();
    const active = top.filter((j) => ACTIVE.has(j.status)).length;
    let state = 'idle';
    if (this.values().some((j) => j.status === 'running')) {
      state = 'running';
    } else if (active > 0) {
      state = 'queued';
    } else if (top.some((j) => j.status === 'failed' && !isHidden(j))) {
      state = 'failed';
    } else if (top.some((j) => j.status === 'completed' && !isHidden(j))) {
      state = 'completed';
    }
    return { state, active };
  }

  /** Ids of hidden finished jobs to forget once more than maxJobs are known (down to 90 %). */
  prunable(isHidden) {
    const out = [];
    let size = this.jobs.size;
    if (size <= this.maxJobs) {
      return out;
    }
    for (const job of this.jobs.values()) {
      if (size <= this.maxJobs * 0.9) {
        break;
      }
      if (TERMINAL.has(job.status) && isHidden(job)) {
        out.push(job.job_id);
        size--;
      }
    }
    return out;
  }

  /**
   * After a reconnect: compares the jobs known when the resync request was sent (knownBefore)
   * with the server's answer to GET ?limit={limit} (all statuses, newest first). Returns
   * {gone, check}: gone are ids deleted meanwhile, finished ones included; check are active jobs
   * the answer cannot vouch for (older than its window) to fetch one by one. Jobs the stream
   * delivered after the request was sent are not in knownBefore and are never judged by it.
   */
  reconcile(answer, limit, knownBefore) {
    const present = new Set(answer.map((j) => j.job_id));
    const complete = answer.length < limit;
    let oldest = null;
    for (const j of answer) {
      const t = time(j.created_at);
      if (t !== null && (oldest === null || t < oldest)) {
        oldest = t;
      }
    }
    const gone = [];
    const check = [];
    for (const id of knownBefore) {
      const job = this.jobs.get(id);
      if (!job || present.has(id)) {
        continue;
      }
      const created = time(job.created_at);
      if (complete || (created !== null && oldest !== null && created > oldest)) {
        gone.push(id); // inside the answer's window and not in it: deleted
      } else if (ACTIVE.has(job.status)) {
        check.push(id);
      }
      // a finished job older than a full answer's window cannot be judged without one request each
    }
    return { gone, check };
  }
}
