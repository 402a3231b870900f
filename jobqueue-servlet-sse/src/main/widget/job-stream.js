// The live connection to {base-path}/stream: parses the three event kinds the server sends and
// keeps reconnecting. No DOM: EventSource and the timer functions are injectable for tests.

const CLOSED = 2; // EventSource.CLOSED

/**
 * handlers (all optional):
 *   job(job)                 a job snapshot (default "message" event)
 *   deleted(id)              event: deleted
 *   reset(reason)            event: reset — forget every job; the full current state follows
 *   connection(connected)    called when the connected state changes
 *   reconnected()            the stream is open again after a disconnect: resync what it may miss
 *   failed(count)            the stream failed; count of failures since it was last healthy
 *   healthy()                after failures, the stream delivered an event or stayed open stableMs
 *   paused(types)            event: paused — the job types paused now (none when the stream opens)
 *
 * Healthy is more than open: a proxy that buffers SSE lets the stream open and then cuts it, and
 * only an event, or an open stream outliving the server's 15 s heartbeat, shows it really works.
 */
export class JobStream {
  constructor(url, handlers, options = {}) {
    this.url = url;
    this.handlers = handlers;
    this.EventSource = options.EventSource || globalThis.EventSource;
    this.setTimeout = options.setTimeout || ((fn, ms) => setTimeout(fn, ms));
    this.clearTimeout = options.clearTimeout || ((t) => clearTimeout(t));
    this.log = options.log || ((...args) => console.warn(...args));
    this.minDelay = options.minDelay || 1000;
    this.maxDelay = options.maxDelay || 30000;
    this.stableMs = options.stableMs || 20000;
    this.failures = 0;
    this.stableTimer = null;
    this.retryDelay = this.minDelay;
    this.source = null;
    this.timer = null;
    this.connected = null; // unknown until the first open or error
    this.everConnected = false;
    this.wasDisconnected = false;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    this.clearTimeout(this.timer);
    this.timer = null;
    this.clearTimeout(this.stableTimer);
    this.stableTimer = null;
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }

  open() {
    if (this.source) {
      this.source.close();
      this.source = null;
    }
    this.clearTimeout(this.timer);
    let source;
    try {
      source = new this.EventSource(this.url);
    } catch (e) {
      this.setConnected(false);
      this.fail();
      this.scheduleReconnect();
      return;
    }
    this.source = source;
    source.onopen = () => {
      if (source !== this.source) {
        return;
      }
      this.retryDelay = this.minDelay;
      const resync = this.wasDisconnected;
      this.wasDisconnected = false;
      this.setConnected(true);
      this.call('paused', []); // the server names paused types right after, if there are any
      if (resync) {
        this.call('reconnected');
      }
      this.clearTimeout(this.stableTimer);
      this.stableTimer = this.setTimeout(() => {
        this.stableTimer = null;
        if (source === this.source) {
          this.proveHealthy();
        }
      }, this.stableMs);
    };
    source.onmessage = (e) => {
      this.proveHealthy();
      const job = this.parse(e, 'job');
      if (job && typeof job.job_id === 'string') {
        this.call('job', job);
      }
    };
    source.addEventListener('deleted', (e) => {
      this.proveHealthy();
      const data = this.parse(e, 'deleted');
      if (data && typeof data.job_id === 'string') {
        this.call('deleted', data.job_id);
      }
    });
    source.addEventListener('paused', (e) => {
      this.proveHealthy();
      const data = this.parse(e, 'paused');
      if (data && Array.isArray(data.paused_types)) {
        this.call('paused', data.paused_types);
      }
    });
    source.addEventListener('reset', (e) => {
      this.proveHealthy();
      const data = this.parse(e, 'reset');
      this.call('reset', data && typeof data.reason === 'string' ? data.reason : '');
    });
    source.onerror = () => {
      if (source !== this.source) {
        return;
      }
      this.setConnected(false);
      this.clearTimeout(this.stableTimer);
      this.stableTimer = null;
      this.fail();
      // CONNECTING: the browser retries by itself (honouring retry:); CLOSED: it gave up.
      if (source.readyState === CLOSED) {
        this.scheduleReconnect();
      }
    };
  }

  scheduleReconnect() {
    if (this.stopped) {
      return;
    }
    this.clearTimeout(this.timer);
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.maxDelay);
    this.timer = this.setTimeout(() => {
      this.timer = null;
      if (!this.stopped) {
        this.open();
      }
    }, delay);
  }

  fail() {
    this.failures++;
    this.call('failed', this.failures);
  }

  proveHealthy() {
    if (this.failures > 0) {
      this.failures = 0;
      this.call('healthy');
    }
  }

  setConnected(connected) {
    if (connected) {
      this.everConnected = true;
    } else if (this.everConnected) {
      this.wasDisconnected = true;
    }
    if (this.connected === connected) {
      return;
    }
    this.connected = connected;
    this.call('connection', connected);
  }

  parse(event, what) {
    try {
      return JSON.parse(event.data);
    } catch (err) {
      this.log('job-task-manager: ignoring a malformed ' + what + ' event', err);
      return null;
    }
  }

  call(name, ...args) {
    const handler = this.handlers[name];
    if (handler) {
      handler(...args);
    }
  }
}
