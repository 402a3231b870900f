// Operator views in the task rows: the live log of a job (in its details) and the "paused" mark of
// queued jobs whose type is paused. Job text only ever goes in as text nodes.

import { el } from './dom.js';

/** Line elements kept per attempt in the view, like the server's bound. */
const MAX_SHOWN_LINES = 500;

// Styled by the .job-log and .paused rules of styles.js: the widget sets no style attribute (CSP).

/**
 * The log of one job, shown in its details: what GET {base}/{id}/logs has, then new lines live
 * from a stream of that job (job_id streams carry event: log). Lines are numbered per attempt by
 * the server (written), so lines read and lines streamed are shown once each.
 */
export class JobLogView {
  constructor(basePath, jobId, options = {}) {
    this.url = basePath + '/' + encodeURIComponent(jobId) + '/logs';
    this.streamUrl = basePath + '/stream?job_id=' + encodeURIComponent(jobId);
    this.EventSource = options.EventSource || globalThis.EventSource;
    this.fetch = options.fetch || ((...args) => globalThis.fetch(...args));
    this.attempts = new Map(); // attempt -> {box, marker, lines, next, dropped}
    this.pending = []; // events that arrived before the first answer
    this.loaded = false;
    this.element = el('div', { class: 'job-log', 'data-testid': 'task-log', hidden: true });
    this.source = null;
  }

  start() {
    try {
      this.source = new this.EventSource(this.streamUrl);
      this.source.addEventListener('log', (e) => {
        let data = null;
        try {
          data = JSON.parse(e.data);
        } catch (err) {
          return;
        }
        if (this.loaded) {
          this.addEvent(data);
        } else {
          this.pending.push(data);
        }
      });
    } catch (e) {
      this.source = null; // no live lines; what was read still shows
    }
    this.load();
  }

  async load() {
    try {
      const response = await this.fetch(this.url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (response.ok) {
        const body = await response.json();
        for (const a of (body && body.attempts) || []) {
          this.addLines(a.attempt, a.dropped + 1, a.lines || [], a.dropped);
        }
      }
    } catch (e) {
      // the live lines still come
    }
    this.loaded = true;
    this.pending.forEach((d) => this.addEvent(d));
    this.pending = [];
  }

  stop() {
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }

  addEvent(data) {
    if (!data || !Array.isArray(data.lines)) {
      return;
    }
    this.addLines(data.attempt, data.written - data.lines.length + 1, data.lines, data.dropped);
  }

  /** Shows lines numbered first, first + 1, ... of attempt, skipping the ones already shown. */
  addLines(attempt, first, lines, dropped) {
    const a = this.attemptView(attempt);
    lines.forEach((line, i) => {
      const number = first + i;
      if (number < a.next) {
        return;
      }
      if (a.lines.length === 0 && a.next === 1) {
        a.dropped = Math.max(a.dropped, number - 1);
      }
      a.next = number + 1;
      const node = el('div', { class: 'log-line', 'data-testid': 'task-log-line' }, String(line.text));
      node.title = String(line.at || '');
      a.box.append(node);
      a.lines.push(node);
    });
    if (typeof dropped === 'number') {
      a.dropped = Math.max(a.dropped, dropped);
    }
    while (a.lines.length > MAX_SHOWN_LINES) {
      a.lines.shift().remove();
      a.dropped++;
    }
    a.marker.textContent = a.dropped > 0 ? '… ' + a.dropped + ' earlier lines dropped' : '';
    a.marker.hidden = a.dropped === 0;
    this.element.hidden = false;
    a.box.scrollTop = a.box.scrollHeight;
  }

  attemptView(attempt) {
    let a = this.attempts.get(attempt);
    if (!a) {
      const marker = el('div', { class: 'log-marker', 'data-testid': 'task-log-marker', hidden: true });
      const box = el('div', { class: 'log-lines', 'data-testid': 'task-log-lines' }, marker);
      const section = el('div', { 'data-attempt': attempt },
        el('div', { class: 'log-title' }, 'Log, attempt ' + attempt), box);
      const later = [...this.attempts.keys()].filter((k) => k > attempt).sort((x, y) => x - y)[0];
      this.element.insertBefore(section, later === undefined ? null : this.attempts.get(later).section);
      a = { section, box, marker, lines: [], next: 1, dropped: 0 };
      this.attempts.set(attempt, a);
    }
    return a;
  }
}

/** Opens the log view of a row whose details just opened, or closes it when they closed. */
export function syncLogView(row, open, basePath) {
  if (open && !row._logView) {
    row._logView = new JobLogView(basePath, row.dataset.jobId);
    row._logView.start();
    row._refs.details.append(row._logView.element);
  } else if (!open) {
    closeLogView(row);
  }
}

export function closeLogView(row) {
  if (row && row._logView) {
    row._logView.stop();
    row._logView.element.remove();
    row._logView = null;
  }
}

/** After the details were redrawn: the log goes back at their end, with its lines. */
export function keepLogView(row) {
  if (row._logView && !row._refs.details.hidden) {
    row._refs.details.append(row._logView.element);
  }
}

/** Marks a queued row whose type is paused: data-paused and a "paused" chip. */
export function markPaused(row, job, pausedTypes) {
  const paused = job.status === 'queued' && pausedTypes.has(job.type);
  row.toggleAttribute('data-paused', paused);
  let chip = row.querySelector('[data-testid="task-paused"]');
  if (paused && !chip) {
    chip = el('span', { class: 'chip paused', 'data-testid': 'task-paused' }, 'paused');
    row._refs.typeChip.after(chip);
  } else if (!paused && chip) {
    chip.remove();
  }
}
