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
 *   paused(types)            event: paused — the job types paused now (none when the stream opens)
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
    };
    source.onmessage = (e) => {
      const job = this.parse(e, 'job');
      if (job && typeof job.job_id === 'string') {
        this.call('job', job);
      }
    };
    source.addEventListener('deleted', (e) => {
      const data = this.parse(e, 'deleted');
      if (data && typeof data.job_id === 'string') {
        this.call('deleted', data.job_id);
      }
    });
    source.addEventListener('paused', (e) => {
      const data = this.parse(e, 'paused');
      if (data && Array.isArray(data.paused_types)) {
        this.call('paused', data.paused_types);
      }
    });
    source.addEventListener('reset', (e) => {
      const data = this.parse(e, 'reset');
      this.call('reset', data && typeof data.reason === 'string' ? data.reason : '');
    });
    source.onerror = () => {
      if (source !== this.source) {
        return;
      }
      this.setConnected(false);
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
