// The fallback when the event stream cannot be kept open (a proxy that buffers SSE, say): the
// seed's "Option B", GET {base}?status=running,queued every few seconds. No DOM; timers and the
// API are injectable for tests.

import { ACTIVE } from './status.js';

export const POLL_LIMIT = 1000;

/**
 * feed: {store, upsert(job), remove(id)}. Each round takes the active jobs from the answer; a job
 * this page knows as active that is missing from it has ended (or was deleted), so it is fetched
 * once to learn how (404: removed).
 */
export class JobPoller {
  constructor(api, feed, options = {}) {
    this.api = api;
    this.feed = feed;
    this.intervalMs = options.intervalMs || 3000;
    this.setTimeout = options.setTimeout || ((fn, ms) => setTimeout(fn, ms));
    this.clearTimeout = options.clearTimeout || ((t) => clearTimeout(t));
    this.timer = null;
    this.running = false;
  }

  start() {
    if (this.running) {
      return;
    }
    this.running = true;
    this.round();
  }

  stop() {
    this.running = false;
    this.clearTimeout(this.timer);
    this.timer = null;
  }

  /** One poll, then the next one intervalMs later. Resolves when this round is done. */
  async round() {
    this.timer = null;
    try {
      await this.poll();
    } catch (e) {
      // the server is unreachable too: the next round tries again
    }
    if (this.running) {
      this.timer = this.setTimeout(() => this.round(), this.intervalMs);
    }
  }

  async poll() {
    const askedAbout = this.feed.store.values().filter((j) => ACTIVE.has(j.status)).map((j) => j.job_id);
    const answer = await this.api.active(POLL_LIMIT);
    if (!this.running || !Array.isArray(answer)) {
      return;
    }
    answer.forEach((job) => this.feed.upsert(job));
    if (answer.length >= POLL_LIMIT) {
      return; // a full answer cannot vouch for what it left out
    }
    const present = new Set(answer.map((j) => j.job_id));
    for (const id of askedAbout) {
      const known = this.feed.store.get(id);
      if (present.has(id) || !known || !ACTIVE.has(known.status)) {
        continue;
      }
      try {
        this.feed.upsert(await this.api.get(id));
      } catch (e) {
        if (e.status === 404) {
          this.feed.remove(id);
        }
      }
    }
  }
}
