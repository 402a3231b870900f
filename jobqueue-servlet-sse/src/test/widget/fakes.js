// Test doubles for the widget's outside world: EventSource, timers, the REST API.

/** An EventSource the test drives: open(), message(), emit(type, data), error(closed). */
export class FakeEventSource {
  static instances = [];

  constructor(url) {
    this.url = url;
    this.readyState = 0; // CONNECTING
    this.listeners = new Map();
    this.closed = false;
    FakeEventSource.instances.push(this);
  }

  static reset() {
    FakeEventSource.instances = [];
  }

  static last() {
    return FakeEventSource.instances[FakeEventSource.instances.length - 1];
  }

  addEventListener(type, fn) {
    if (!this.listeners.has(type)) {
      this.listeners.set(type, []);
    }
    this.listeners.get(type).push(fn);
  }

  close() {
    this.closed = true;
    this.readyState = 2;
  }

  open() {
    this.readyState = 1;
    this.onopen && this.onopen({});
  }

  /** A default event (a job snapshot); data is serialized unless it is a string. */
  message(data) {
    this.onmessage && this.onmessage({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }

  emit(type, data) {
    const event = { type, data: typeof data === 'string' ? data : JSON.stringify(data) };
    for (const fn of this.listeners.get(type) || []) {
      fn(event);
    }
  }

  /** A network error: closed=false is the browser retrying by itself, true is it giving up. */
  error(closed = false) {
    this.readyState = closed ? 2 : 0;
    this.onerror && this.onerror({});
  }
}

/** setTimeout/clearTimeout that only fire when the test says so. */
export class ManualTimers {
  constructor() {
    this.pending = new Map();
    this.next = 1;
    this.setTimeout = (fn, ms) => {
      const id = this.next++;
      this.pending.set(id, { fn, ms });
      return id;
    };
    this.clearTimeout = (id) => this.pending.delete(id);
  }

  delays() {
    return Array.from(this.pending.values()).map((t) => t.ms);
  }

  runAll() {
    const due = Array.from(this.pending.values());
    this.pending.clear();
    due.forEach((t) => t.fn());
  }
}

/** A job JSON with every DESIGN field; overrides replace fields. */
export function job(id, overrides = {}) {
  return {
    job_id: id,
    type: 'analyze',
    status: 'queued',
    created_at: '2026-12-01T10:00:00Z',
    started_at: null,
    completed_at: null,
    updated_at: '2026-12-01T10:00:00Z',
    progress: 0,
    progress_message: null,
    current_step: null,
    total_steps: null,
    title: 'Job ' + id,
    description: null,
    parent_job_id: null,
    child_job_ids: [],
    result: null,
    error: null,
    user_id: null,
    cancelable: true,
    priority: 0,
    attempt: 1,
    max_attempts: 3,
    depends_on: [],
    optional: false,
    eta_seconds: null,
    warnings: [],
    cancel_requested: false,
    run_at: null,
    ...overrides,
  };
}

/** A view that records what a JobFeed told it. */
export function recordingView() {
  const calls = [];
  return {
    calls,
    upserted: (change) => calls.push(['upserted', change.job.job_id, change]),
    removed: (id) => calls.push(['removed', id]),
    cleared: (ids) => calls.push(['cleared', ids]),
    connection: (connected) => calls.push(['connection', connected]),
    polling: (active) => calls.push(['polling', active]),
  };
}

/** An API whose answers the test sets; records the calls. */
export class FakeApi {
  constructor() {
    this.calls = [];
    this.recentAnswer = [];
    this.jobsById = new Map();
    this.failRecent = null;
    this.activeAnswer = [];
    this.failActive = null;
  }

  async active(limit) {
    this.calls.push(['active', limit]);
    if (this.failActive) {
      throw this.failActive;
    }
    return this.activeAnswer;
  }

  async recent(limit) {
    this.calls.push(['recent', limit]);
    if (this.failRecent) {
      throw this.failRecent;
    }
    return this.recentAnswer;
  }

  async get(id) {
    this.calls.push(['get', id]);
    if (!this.jobsById.has(id)) {
      const e = new Error('no job ' + id);
      e.status = 404;
      throw e;
    }
    return this.jobsById.get(id);
  }
}
