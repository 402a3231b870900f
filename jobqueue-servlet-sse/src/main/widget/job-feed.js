// Keeps the store in step with the server: stream events, the stream's reset, and the resync
// after a reconnect. No DOM: it tells a view what changed, so the whole flow runs in Node tests.

import { ACTIVE } from './status.js';
import { RESYNC_LIMIT } from './api.js';
import { JobStream } from './job-stream.js';
import { JobPoller } from './job-poller.js';

/** Stream failures in a row after which the page polls instead (until the stream is healthy). */
export const FAILURES_BEFORE_POLLING = 3;

/**
 * view (all called synchronously, after the store changed):
 *   upserted(change)      a job was added or changed: {job, previous, statusChanged, ended}
 *   removed(id)           a job was forgotten (deleted on the server)
 *   cleared(ids)          every job was forgotten (stream reset); the current state follows
 *   connection(connected)
 *   polling(active)       (optional) the polling fallback started or stopped
 */
export class JobFeed {
  constructor({ url, api, store, view, streamOptions, pollOptions }) {
    this.api = api;
    this.store = store;
    this.view = view;
    this.poller = new JobPoller(api, this, pollOptions);
    this.stream = new JobStream(url, {
      job: (job) => this.upsert(job),
      deleted: (id) => this.remove(id),
      reset: () => this.reset(),
      connection: (connected) => view.connection(connected),
      reconnected: () => this.resync(),
      failed: (count) => this.streamFailed(count),
      healthy: () => this.setPolling(false),
      paused: (types) => view.paused && view.paused(types),
    }, streamOptions);
  }

  start() {
    this.stream.start();
  }

  stop() {
    this.stream.stop();
    this.poller.stop();
  }

  get polling() {
    return this.poller.running;
  }

  /** The stream keeps failing: poll meanwhile; the stream keeps retrying with its backoff. */
  streamFailed(count) {
    if (count >= FAILURES_BEFORE_POLLING) {
      this.setPolling(true);
    }
  }

  setPolling(active) {
    if (active === this.poller.running) {
      return;
    }
    if (active) {
      this.poller.start();
    } else {
      this.poller.stop();
    }
    if (this.view.polling) {
      this.view.polling(active);
    }
  }

  /** Takes a job from the stream or a REST answer; returns the change, or null if stale. */
  upsert(job) {
    const change = this.store.upsert(job);
    if (change) {
      this.view.upserted(change);
    }
    return change;
  }

  remove(id) {
    this.store.remove(id);
    this.view.removed(id);
  }

  /**
   * The server could not replay what this page missed (event: reset): forget every job; the
   * full current state follows on the same stream and rebuilds the view.
   */
  reset() {
    this.view.cleared(this.store.clear());
  }

  /**
   * After a reconnect. A stream that resumed from its Last-Event-ID replays deletions, and a reset
   * rebuilds everything, but a new stream only sends the current state: jobs deleted meanwhile
   * (finished ones too) are found by comparing with one REST answer. Jobs the answer shows that
   * this page does not know are only taken when active: old finished ones belong in the history.
   * Resolves when done; a failed request leaves everything as it was (the next reconnect retries).
   */
  async resync() {
    const knownBefore = this.store.ids();
    let answer;
    try {
      answer = await this.api.recent(RESYNC_LIMIT);
    } catch (e) {
      return;
    }
    if (!Array.isArray(answer)) {
      return;
    }
    const { gone, check } = this.store.reconcile(answer, RESYNC_LIMIT, knownBefore);
    for (const job of answer) {
      if (job && (this.store.has(job.job_id) || ACTIVE.has(job.status))) {
        this.upsert(job);
      }
    }
    gone.forEach((id) => this.remove(id));
    for (const id of check) {
      try {
        this.upsert(await this.api.get(id));
      } catch (e) {
        if (e.status === 404) {
          this.remove(id);
        }
      }
    }
  }
}
