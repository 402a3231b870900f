/*
 * <job-task-manager>: the floating task manager of jobqueue.
 *
 * Add it to any page with one script tag and one element:
 *
 *   <script type="module" src="/api/jobs/ui/task-manager.js"></script>
 *   <job-task-manager base-path="/api/jobs"></job-task-manager>
 *
 * Dependency-free (plain JavaScript and CSS, no build step), rendered in a Shadow DOM so page
 * styles neither leak in nor out. Live updates come from the Server-Sent-Events stream at
 * {base-path}/stream; mutations use fetch with same-origin credentials.
 *
 * Security rule of this file: text that comes from jobs (titles, messages, errors, results) is
 * only ever inserted with textContent or setAttribute, never as HTML. The one HTML template below
 * is static and holds no job data.
 *
 * Attributes: base-path (default /api/jobs), auto-dismiss-ms (default 5000; 0 keeps completed
 * tasks), history-limit (default 100), open (panel starts open).
 * Events (bubbling, composed): job-update, job-complete, job-fail (detail: the job JSON),
 * connection-change (detail: {connected}).
 * Methods: open(), close(), toggle(), jobs (array of the known jobs).
 * Styling: CSS custom properties --jq-accent, --jq-success, --jq-danger, --jq-bg, --jq-fg,
 * --jq-muted, --jq-font, and parts button, badge, panel, task, toasts.
 */
(() => {
  'use strict';
  if (customElements.get('job-task-manager')) {
    return;
  }

  const ACTIVE = new Set(['queued', 'running']);
  const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
  const GROUPS = [
    ['running', 'Running'],
    ['queued', 'Queued'],
    ['completed', 'Completed'],
    ['failed', 'Failed'],
    ['cancelled', 'Cancelled'],
  ];
  const ICONS = { running: '⟳', queued: '⋯', completed: '✓', failed: '✕', cancelled: '⊘' };
  const MAX_JOBS = 2000;
  const MAX_DISMISSED = 500;

  const STYLE = `
:host {
  --jq-accent: #2563eb; --jq-success: #16a34a; --jq-danger: #dc2626; --jq-warn: #b45309;
  --jq-bg: #ffffff; --jq-fg: #0f172a; --jq-muted: #64748b; --jq-line: #e2e8f0; --jq-soft: #f1f5f9;
  --jq-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  font: 14px/1.4 var(--jq-font); color: var(--jq-fg);
}
@media (prefers-color-scheme: dark) {
  :host { --jq-bg: #0f172a; --jq-fg: #e2e8f0; --jq-muted: #94a3b8; --jq-line: #1e293b; --jq-soft: #1e293b; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
button, input, select { font: inherit; color: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 2px solid var(--jq-accent); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.fab {
  position: relative; width: 56px; height: 56px; border-radius: 50%; border: none;
  display: grid; place-items: center; margin-left: auto;
  background: #475569; color: #fff; box-shadow: 0 6px 20px rgba(15, 23, 42, .3);
  transition: background-color .2s, transform .15s;
}
.fab:hover { transform: translateY(-1px); }
.fab svg { width: 26px; height: 26px; fill: currentColor; }
.fab[data-state="running"], .fab[data-state="queued"] { background: var(--jq-accent); }
.fab[data-state="completed"] { background: var(--jq-success); }
.fab[data-state="failed"] { background: var(--jq-danger); }
.fab[data-state="running"]::after {
  content: ""; position: absolute; inset: 0; border-radius: 50%;
  box-shadow: 0 0 0 0 var(--jq-accent); animation: jq-pulse 1.6s ease-out infinite;
}
.fab[data-connection="disconnected"]::before {
  content: ""; position: absolute; left: 2px; top: 2px; width: 12px; height: 12px; border-radius: 50%;
  background: #f59e0b; border: 2px solid var(--jq-bg);
}
@keyframes jq-pulse { to { box-shadow: 0 0 0 14px rgba(37, 99, 235, 0); } }
@media (prefers-reduced-motion: reduce) { .fab[data-state="running"]::after { animation: none; } .panel { transition: none; } }
.badge {
  position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px;
  border-radius: 11px; background: #fff; color: var(--jq-fg); font-size: 12px; font-weight: 700;
  display: grid; place-items: center; border: 2px solid currentColor;
}

.panel {
  position: absolute; right: 0; bottom: 68px; width: min(420px, calc(100vw - 40px));
  max-height: min(640px, calc(100vh - 110px)); display: flex; flex-direction: column;
  background: var(--jq-bg); border: 1px solid var(--jq-line); border-radius: 12px;
  box-shadow: 0 18px 50px rgba(15, 23, 42, .28); overflow: hidden;
  visibility: hidden; opacity: 0; transform: translate(24px, 16px) scale(.97);
  transform-origin: bottom right; transition: transform .2s ease, opacity .2s ease, visibility 0s .2s;
}
.panel.open { visibility: visible; opacity: 1; transform: none; transition: transform .2s ease, opacity .2s ease; }
header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; border-bottom: 1px solid var(--jq-line); }
header h2 { font-size: 15px; margin: 0; flex: 1; }
.conn { font-size: 12px; color: var(--jq-success); }
.conn[data-state="disconnected"] { color: var(--jq-warn); }
.icon-btn { border: none; background: none; font-size: 20px; line-height: 1; padding: 2px 6px; border-radius: 6px; }
.icon-btn:hover { background: var(--jq-soft); }
.banner { padding: 8px 12px; background: #fef3c7; color: #78350f; font-size: 13px; }
.toolbar { display: flex; flex-wrap: wrap; gap: 6px; padding: 8px 12px; border-bottom: 1px solid var(--jq-line); }
.toolbar input[type="search"] { flex: 1 1 140px; min-width: 0; }
.toolbar input, .toolbar select { padding: 4px 8px; border: 1px solid var(--jq-line); border-radius: 6px; background: var(--jq-bg); }
.tabs { display: flex; gap: 2px; flex-basis: 100%; }
.tabs button { border: none; background: none; padding: 4px 10px; border-radius: 6px; color: var(--jq-muted); }
.tabs button[aria-selected="true"] { background: var(--jq-soft); color: var(--jq-fg); font-weight: 600; }
.lists { overflow-y: auto; flex: 1; padding: 4px 0; }
.group h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--jq-muted); margin: 8px 12px 4px; }
ul { list-style: none; margin: 0; padding: 0; }
.empty { color: var(--jq-muted); text-align: center; padding: 24px 12px; margin: 0; }
footer { display: flex; gap: 8px; justify-content: space-between; padding: 8px 12px; border-top: 1px solid var(--jq-line); }
.btn { border: 1px solid var(--jq-line); background: var(--jq-bg); border-radius: 6px; padding: 3px 10px; font-size: 13px; }
.btn:hover:not(:disabled) { background: var(--jq-soft); }
.btn:disabled { opacity: .55; cursor: default; }
.btn.danger { color: var(--jq-danger); }

.task { padding: 8px 12px; border-left: 3px solid transparent; }
.task + .task { border-top: 1px solid var(--jq-line); }
.task[data-status="running"] { border-left-color: var(--jq-accent); }
.task[data-status="completed"] { border-left-color: var(--jq-success); }
.task[data-status="failed"] { border-left-color: var(--jq-danger); background: rgba(220, 38, 38, .05); }
.task[data-status="cancelled"] { border-left-color: var(--jq-muted); }
.head { display: flex; gap: 6px; align-items: baseline; }
.status-icon { width: 1em; text-align: center; color: var(--jq-muted); }
.task[data-status="running"] > .head .status-icon { color: var(--jq-accent); }
.task[data-status="completed"] > .head .status-icon { color: var(--jq-success); }
.task[data-status="failed"] > .head .status-icon { color: var(--jq-danger); }
.title { flex: 1; font-weight: 600; overflow-wrap: anywhere; }
.chip { font-size: 11px; padding: 0 6px; border-radius: 8px; background: var(--jq-soft); color: var(--jq-muted); white-space: nowrap; }
.progress { display: flex; align-items: center; gap: 8px; margin: 4px 0 2px; }
.bar { flex: 1; height: 6px; border-radius: 3px; background: var(--jq-soft); overflow: hidden; }
.fill { height: 100%; width: 0; background: var(--jq-accent); transition: width .25s ease; }
.task[data-status="completed"] > .progress .fill { background: var(--jq-success); }
.task[data-status="failed"] > .progress .fill { background: var(--jq-danger); }
.task[data-status="cancelled"] > .progress .fill { background: var(--jq-muted); }
.percent { font-size: 12px; font-variant-numeric: tabular-nums; min-width: 3.2em; text-align: right; }
.message, .meta { font-size: 12px; color: var(--jq-muted); overflow-wrap: anywhere; }
.meta { display: flex; gap: 10px; font-variant-numeric: tabular-nums; }
.error-line { font-size: 12px; color: var(--jq-danger); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.actions { display: flex; gap: 6px; flex-wrap: wrap; margin-top: 6px; }
.details { margin-top: 6px; padding: 8px; border-radius: 6px; background: var(--jq-soft); font-size: 12px; }
.details pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 6px; font: 12px/1.4 ui-monospace, monospace; color: var(--jq-danger); }
.details dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 8px; margin: 0; }
.details dt { color: var(--jq-muted); }
.details dd { margin: 0; overflow-wrap: anywhere; }
.details .warnings { color: var(--jq-warn); margin: 0 0 6px; padding-left: 16px; list-style: disc; }
.details img { display: block; max-width: 100%; max-height: 140px; margin-top: 6px; border-radius: 4px; }
.details a { color: var(--jq-accent); }
.children { margin: 6px 0 0 6px; border-left: 2px solid var(--jq-line); }
.children .task { padding: 5px 8px; }
.children .title { font-weight: 500; }
.children [data-testid="task-type"] { display: none; }
.children .actions { margin-top: 2px; }
.children .btn { padding: 0 8px; font-size: 12px; }

.toasts { position: absolute; right: 0; bottom: 68px; display: flex; flex-direction: column; gap: 8px; width: min(360px, calc(100vw - 40px)); pointer-events: none; }
.panel.open + .toasts { right: calc(min(420px, 100vw - 40px) + 12px); }
.toast {
  pointer-events: auto; display: flex; gap: 8px; align-items: flex-start; padding: 10px 12px;
  border-radius: 10px; background: var(--jq-bg); border: 1px solid var(--jq-line);
  border-left: 4px solid var(--jq-accent); box-shadow: 0 8px 24px rgba(15, 23, 42, .2);
  animation: jq-in .2s ease;
}
.toast[data-kind="completed"] { border-left-color: var(--jq-success); }
.toast[data-kind="failed"], .toast[data-kind="error"] { border-left-color: var(--jq-danger); }
.toast .toast-text { flex: 1; cursor: pointer; overflow-wrap: anywhere; }
.toast .toast-body { display: block; color: var(--jq-muted); font-size: 12px; }
@keyframes jq-in { from { opacity: 0; transform: translateY(8px); } }
`;

  // Static markup only: no job data is ever interpolated here.
  const TEMPLATE = `
<section class="panel" part="panel" id="panel" data-testid="panel" role="dialog"
         aria-labelledby="panel-title" tabindex="-1" inert>
  <header>
    <h2 id="panel-title">Tasks <span data-testid="panel-count"></span></h2>
    <span class="conn" data-testid="connection" role="status" aria-live="polite">Connecting…</span>
    <button type="button" class="icon-btn" data-action="close" data-testid="close"
            aria-label="Close task manager">×</button>
  </header>
  <div class="banner" data-testid="disconnected" role="alert" hidden>
    Disconnected from the server — reconnecting… Progress shown may be out of date.
  </div>
  <div class="toolbar">
    <div class="tabs" role="tablist" aria-label="Task views">
      <button type="button" role="tab" id="tab-live" data-view="live" data-testid="tab-live"
              aria-selected="true" aria-controls="view-live">Tasks</button>
      <button type="button" role="tab" id="tab-history" data-view="history" data-testid="tab-history"
              aria-selected="false" aria-controls="view-history" tabindex="-1">History</button>
    </div>
    <label class="sr-only" for="search">Search tasks by title</label>
    <input id="search" type="search" placeholder="Search by title" data-testid="search" autocomplete="off">
    <label class="sr-only" for="status-filter">Filter by status</label>
    <select id="status-filter" data-testid="status-filter">
      <option value="">All statuses</option>
      <option value="running">Running</option>
      <option value="queued">Queued</option>
      <option value="completed">Completed</option>
      <option value="failed">Failed</option>
      <option value="cancelled">Cancelled</option>
    </select>
    <label class="sr-only" for="type-filter">Filter by type</label>
    <select id="type-filter" data-testid="type-filter">
      <option value="">All types</option>
    </select>
  </div>
  <div class="lists">
    <div id="view-live" role="tabpanel" aria-labelledby="tab-live" data-testid="view-live">
      <div id="groups"></div>
      <p class="empty" data-testid="empty">No tasks. Work you start shows up here.</p>
    </div>
    <div id="view-history" role="tabpanel" aria-labelledby="tab-history" data-testid="view-history" hidden>
      <ul id="history-list" data-testid="history-list" aria-label="Finished tasks"></ul>
      <p class="empty" data-testid="history-empty" hidden>No finished tasks.</p>
    </div>
  </div>
  <footer>
    <button type="button" class="btn" data-action="clear-completed" data-testid="clear-completed">
      Clear all completed</button>
    <button type="button" class="btn" data-action="notifications" data-testid="enable-notifications" hidden>
      Enable notifications</button>
  </footer>
</section>
<div class="toasts" part="toasts" data-testid="toasts" role="status" aria-live="polite"></div>
<button type="button" class="fab" part="button" id="fab" data-testid="fab" aria-controls="panel"
        aria-expanded="false" aria-label="Task manager" data-state="idle" data-connection="connecting">
  <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M13 2 4 14h7l-1 8 9-12h-7z"/></svg>
  <span class="badge" part="badge" data-testid="badge" aria-hidden="true" hidden>0</span>
</button>`;

  let sheet = null;
  function styleSheet() {
    if (sheet === null && 'adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
    }
    return sheet;
  }

  /** Creates an element; attrs are set with setAttribute, children are appended as text or nodes. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined && v !== false) {
        node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children) {
      if (c !== null && c !== undefined) {
        node.append(c instanceof Node ? c : document.createTextNode(String(c)));
      }
    }
    return node;
  }

  function formatDuration(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0) {
      return '—';
    }
    const s = Math.round(seconds);
    if (s < 60) {
      return s + 's';
    }
    if (s < 3600) {
      return Math.floor(s / 60) + 'm ' + String(s % 60).padStart(2, '0') + 's';
    }
    return Math.floor(s / 3600) + 'h ' + String(Math.floor((s % 3600) / 60)).padStart(2, '0') + 'm';
  }

  function time(value) {
    const t = value ? Date.parse(value) : NaN;
    return Number.isNaN(t) ? null : t;
  }

  function percentOf(job) {
    if (job.status === 'completed') {
      return 100;
    }
    const p = Number(job.progress);
    return Number.isFinite(p) ? Math.max(0, Math.min(100, Math.floor(p * 100))) : 0;
  }

  /** A link target from a job result that is safe to put in href: http(s) or same-site paths. */
  function safeUrl(value) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 2000) {
      return null;
    }
    try {
      const url = new URL(value, document.baseURI);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function previewValue(value) {
    if (value === null || value === undefined) {
      return '—';
    }
    if (typeof value === 'object') {
      const text = JSON.stringify(value);
      return text.length > 160 ? text.slice(0, 157) + '…' : text;
    }
    return String(value);
  }

  class JobTaskManager extends HTMLElement {
    static get observedAttributes() {
      return ['base-path'];
    }

    constructor() {
      super();
      this._jobs = new Map(); // job_id -> latest job JSON
      this._rows = new Map(); // job_id -> row element of the live view
      this._seenActive = new Set(); // ids seen queued/running in this page: their endings notify
      this._autoHidden = new Set(); // completed tasks hidden after auto-dismiss
      this._timers = new Map(); // job_id -> auto-dismiss timer
      this._expanded = new Set(); // ids whose details are open
      this._fetchedChildren = new Set();
      this._fetchingParents = new Set();
      this._pendingCancel = new Set();
      this._connected = false;
      this._everConnected = false;
      this._wasDisconnected = false;
      this._dismissed = new Set();
      this._retryDelay = 1000;
      this._view = 'live';
      this._layoutQueued = false;
      this._idCounter = 0;

      const root = this.attachShadow({ mode: 'open' });
      const css = styleSheet();
      if (css) {
        root.adoptedStyleSheets = [css];
      } else {
        root.append(el('style', {}, STYLE));
      }
      const template = document.createElement('template');
      template.innerHTML = TEMPLATE;
      root.append(template.content.cloneNode(true));
      this._root = root;
      this._q = (sel) => root.querySelector(sel);
      this._panel = this._q('#panel');
      this._fab = this._q('#fab');
      this._badge = this._q('[data-testid="badge"]');
      this._groups = new Map();
      for (const [status, label] of GROUPS) {
        const list = el('ul', { 'aria-label': label + ' tasks' });
        const count = el('span', { class: 'n' });
        const section = el('section', { class: 'group', 'data-group': status, 'data-testid': 'group-' + status, hidden: true },
          el('h3', {}, label + ' ', count), list);
        this._q('#groups').append(section);
        this._groups.set(status, { section, list, count });
      }
      root.addEventListener('click', (e) => this._onClick(e));
      root.addEventListener('keydown', (e) => this._onKeyDown(e));
      this._q('#search').addEventListener('input', () => this._filtersChanged());
      this._q('#status-filter').addEventListener('change', () => this._filtersChanged());
      this._q('#type-filter').addEventListener('change', () => this._filtersChanged());
    }

    get basePath() {
      const value = (this.getAttribute('base-path') || '/api/jobs').trim();
      return value.endsWith('/') ? value.slice(0, -1) : value;
    }

    get autoDismissMs() {
      const v = Number(this.getAttribute('auto-dismiss-ms'));
      return this.hasAttribute('auto-dismiss-ms') && Number.isFinite(v) && v >= 0 ? v : 5000;
    }

    get jobs() {
      return Array.from(this._jobs.values());
    }

    connectedCallback() {
      this._dismissed = this._loadDismissed();
      this._updateNotificationButton();
      this._connect();
      this._ticker = setInterval(() => this._tick(), 1000);
      if (this.hasAttribute('open')) {
        this.open();
      }
      this._layout();
    }

    disconnectedCallback() {
      clearInterval(this._ticker);
      clearTimeout(this._reconnectTimer);
      for (const t of this._timers.values()) {
        clearTimeout(t);
      }
      this._timers.clear();
      if (this._source) {
        this._source.close();
        this._source = null;
      }
    }

    attributeChangedCallback(name, oldValue, newValue) {
      if (name === 'base-path' && oldValue !== null && oldValue !== newValue && this.isConnected) {
        this._jobs.clear();
        for (const row of this._rows.values()) {
          row.remove();
        }
        this._rows.clear();
        this._connect();
      }
    }

    open() {
      this._panel.classList.add('open');
      this._panel.removeAttribute('inert');
      this._fab.setAttribute('aria-expanded', 'true');
      this._panel.focus({ preventScroll: true });
      this._tick();
    }

    close() {
      const hadFocus = this._root.activeElement && this._panel.contains(this._root.activeElement);
      this._panel.classList.remove('open');
      this._panel.setAttribute('inert', '');
      this._fab.setAttribute('aria-expanded', 'false');
      if (hadFocus) {
        this._fab.focus();
      }
    }

    toggle() {
      if (this._panel.classList.contains('open')) {
        this.close();
      } else {
        this.open();
      }
    }

    // ---- connection -------------------------------------------------------------------------

    _connect() {
      if (this._source) {
        this._source.close();
      }
      clearTimeout(this._reconnectTimer);
      let source;
      try {
        source = new EventSource(this.basePath + '/stream');
      } catch (e) {
        this._setConnected(false);
        this._scheduleReconnect();
        return;
      }
      this._source = source;
      source.onopen = () => {
        this._retryDelay = 1000;
        const resync = this._wasDisconnected;
        this._wasDisconnected = false;
        this._setConnected(true);
        if (resync) {
          this._resync();
        }
      };
      source.onmessage = (e) => this._onMessage(e.data);
      source.addEventListener('deleted', (e) => {
        try {
          this._remove(JSON.parse(e.data).job_id);
        } catch (err) {
          console.warn('job-task-manager: bad deleted event', err);
        }
      });
      source.onerror = () => {
        this._setConnected(false);
        // CONNECTING: the browser retries by itself (honouring retry:); CLOSED: it gave up.
        if (source.readyState === EventSource.CLOSED) {
          this._scheduleReconnect();
        }
      };
    }

    _scheduleReconnect() {
      clearTimeout(this._reconnectTimer);
      const delay = this._retryDelay;
      this._retryDelay = Math.min(this._retryDelay * 2, 30000);
      this._reconnectTimer = setTimeout(() => this._connect(), delay);
    }

    _setConnected(connected) {
      if (connected) {
        this._everConnected = true;
      } else if (this._everConnected) {
        this._wasDisconnected = true;
      }
      const state = connected ? 'connected' : 'disconnected';
      if (this._fab.dataset.connection === state) {
        return;
      }
      this._connected = connected;
      this._fab.dataset.connection = state;
      this.setAttribute('data-connection', state);
      const conn = this._q('[data-testid="connection"]');
      conn.dataset.state = state;
      conn.textContent = connected ? '● Live' : '● Disconnected';
      this._q('[data-testid="disconnected"]').hidden = connected;
      this._updateBadge();
      this.dispatchEvent(new CustomEvent('connection-change', { detail: { connected }, bubbles: true, composed: true }));
    }

    /** After a reconnect: picks up changes a full-state replay may not cover (deleted jobs). */
    async _resync() {
      try {
        const active = await this._request('GET', '?status=queued,running&limit=1000');
        const ids = new Set(active.map((j) => j.job_id));
        active.forEach((j) => this._upsert(j));
        for (const job of Array.from(this._jobs.values())) {
          if (ACTIVE.has(job.status) && !ids.has(job.job_id)) {
            try {
              this._upsert(await this._request('GET', '/' + encodeURIComponent(job.job_id)));
            } catch (e) {
              if (e.status === 404) {
                this._remove(job.job_id);
              }
            }
          }
        }
      } catch (e) {
        // still offline: the next reconnect tries again
      }
    }

    _onMessage(data) {
      let job;
      try {
        job = JSON.parse(data);
      } catch (e) {
        console.warn('job-task-manager: ignoring a malformed event', e);
        return;
      }
      if (job && typeof job.job_id === 'string') {
        this._upsert(job);
      }
    }

    // ---- model --------------------------------------------------------------------------------

    _upsert(job) {
      const id = job.job_id;
      const previous = this._jobs.get(id);
      if (previous && previous.updated_at && job.updated_at && Date.parse(job.updated_at) < Date.parse(previous.updated_at)) {
        return; // an older snapshot (e.g. from a REST answer racing the stream)
      }
      this._jobs.set(id, job);
      const wasActive = this._seenActive.has(id);
      if (ACTIVE.has(job.status)) {
        this._seenActive.add(id);
        this._autoHidden.delete(id);
        this._clearTimer(id);
        if (this._dismissed.delete(id)) {
          this._saveDismissed();
        }
      }
      if (!previous || previous.status !== job.status) {
        this._pendingCancel.delete(id);
      }
      let row = this._rows.get(id);
      if (!row) {
        row = this._createRow(job, false);
        this._rows.set(id, row);
      }
      this._updateRow(row, job);
      this._noteType(job.type);
      if (job.status === 'completed') {
        this._scheduleAutoDismiss(job);
      }
      if (wasActive && TERMINAL.has(job.status) && (!previous || previous.status !== job.status)) {
        this._seenActive.delete(id);
        this._announceEnd(job);
      }
      if (job.parent_job_id && !this._jobs.has(job.parent_job_id)) {
        this._fetchParent(job.parent_job_id);
      }
      if (job.child_job_ids && job.child_job_ids.some((c) => !this._jobs.has(c))) {
        this._fetchChildren(id);
      }
      if (job.parent_job_id && this._rows.has(job.parent_job_id)) {
        this._updateRow(this._rows.get(job.parent_job_id), this._jobs.get(job.parent_job_id));
      }
      this.dispatchEvent(new CustomEvent('job-update', { detail: job, bubbles: true, composed: true }));
      this._prune();
      this._scheduleLayout();
    }

    _remove(id) {
      this._jobs.delete(id);
      this._clearTimer(id);
      this._seenActive.delete(id);
      const row = this._rows.get(id);
      if (row) {
        row.remove();
        this._rows.delete(id);
      }
      this._scheduleLayout();
      if (this._view === 'history') {
        this._q('#history-list').querySelectorAll('[data-job-id]').forEach((r) => {
          if (r.dataset.jobId === id) {
            r.remove();
          }
        });
      }
    }

    _prune() {
      if (this._jobs.size <= MAX_JOBS) {
        return;
      }
      for (const job of this._jobs.values()) {
        if (this._jobs.size <= MAX_JOBS * 0.9) {
          break;
        }
        if (TERMINAL.has(job.status) && this._isHidden(job)) {
          this._remove(job.job_id);
        }
      }
    }

    _scheduleAutoDismiss(job) {
      const id = job.job_id;
      const delay = this.autoDismissMs;
      if (delay === 0 || this._timers.has(id) || this._autoHidden.has(id)) {
        return;
      }
      const completedAt = time(job.completed_at);
      const age = completedAt === null ? 0 : Date.now() - completedAt;
      if (!this._seenActive.has(id) && age > delay) {
        this._autoHidden.add(id); // finished before this page saw it: history only
        return;
      }
      this._timers.set(id, setTimeout(() => {
        this._timers.delete(id);
        const current = this._jobs.get(id);
        if (current && current.status === 'completed') {
          this._autoHidden.add(id);
          this._scheduleLayout();
        }
      }, delay));
    }

    _clearTimer(id) {
      const t = this._timers.get(id);
      if (t !== undefined) {
        clearTimeout(t);
        this._timers.delete(id);
      }
    }

    _isHidden(job) {
      return this._autoHidden.has(job.job_id) || this._dismissed.has(job.job_id);
    }

    _isNested(job) {
      return Boolean(job.parent_job_id) && this._jobs.has(job.parent_job_id);
    }

    _topLevel() {
      return Array.from(this._jobs.values()).filter((j) => !this._isNested(j));
    }

    async _fetchParent(id) {
      if (this._fetchingParents.has(id)) {
        return;
      }
      this._fetchingParents.add(id);
      try {
        this._upsert(await this._request('GET', '/' + encodeURIComponent(id)));
      } catch (e) {
        // unknown or not visible to this user: the child stays at top level
      }
    }

    async _fetchChildren(id) {
      if (this._fetchedChildren.has(id)) {
        return;
      }
      this._fetchedChildren.add(id);
      try {
        const children = await this._request('GET', '?parent_job_id=' + encodeURIComponent(id) + '&limit=1000');
        children.forEach((c) => {
          if (!this._jobs.has(c.job_id)) {
            this._upsert(c);
          }
        });
      } catch (e) {
        this._fetchedChildren.delete(id);
      }
    }

    // ---- rows ---------------------------------------------------------------------------------

    _createRow(job, history) {
      const detailsId = 'details-' + (++this._idCounter);
      const title = el('span', { class: 'title', 'data-testid': 'task-title' });
      const chip = el('span', { class: 'chip', 'data-testid': 'child-count', hidden: true });
      const typeChip = el('span', { class: 'chip', 'data-testid': 'task-type' });
      const fill = el('div', { class: 'fill' });
      const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'data-testid': 'task-progress' }, fill);
      const percent = el('span', { class: 'percent', 'data-testid': 'task-percent' });
      const message = el('div', { class: 'message', 'data-testid': 'task-message' });
      const errorLine = el('div', { class: 'error-line', 'data-testid': 'task-error-line', hidden: true });
      const elapsed = el('span', { 'data-testid': 'task-elapsed' });
      const eta = el('span', { 'data-testid': 'task-eta' });
      const toggle = el('button', { type: 'button', class: 'btn', 'data-action': 'details', 'data-testid': 'task-details-toggle', 'aria-expanded': 'false', 'aria-controls': detailsId }, 'Details');
      const cancel = el('button', { type: 'button', class: 'btn', 'data-action': 'cancel', 'data-testid': 'task-cancel' }, 'Cancel');
      const retry = el('button', { type: 'button', class: 'btn', 'data-action': 'retry', 'data-testid': 'task-retry' }, 'Retry');
      const dismiss = el('button', { type: 'button', class: 'btn', 'data-action': history ? 'delete' : 'dismiss', 'data-testid': history ? 'task-delete' : 'task-dismiss' }, history ? 'Delete' : 'Dismiss');
      const details = el('div', { class: 'details', id: detailsId, 'data-testid': 'task-details', hidden: true });
      const children = el('ul', { class: 'children', 'data-testid': 'task-children', hidden: true });
      const row = el('li', { class: 'task', part: 'task', 'data-testid': 'task', 'data-job-id': job.job_id },
        el('div', { class: 'head' }, el('span', { class: 'status-icon', 'aria-hidden': 'true' }), title, chip, typeChip),
        el('div', { class: 'progress' }, bar, percent),
        message, errorLine,
        el('div', { class: 'meta' }, elapsed, eta),
        el('div', { class: 'actions' }, toggle, cancel, retry, dismiss),
        details, children);
      row._refs = { title, chip, typeChip, fill, bar, percent, message, errorLine, elapsed, eta, toggle, cancel, retry, dismiss, details, children, icon: row.querySelector('.status-icon') };
      row._history = history;
      return row;
    }

    _updateRow(row, job) {
      const r = row._refs;
      let pct = percentOf(job);
      // A running bar never moves backwards within one attempt: a parent whose own work is done
      // is re-measured by its children (e.g. a follow-up preview task), which would look like a reset.
      const shown = row._shown;
      if (shown && job.status === 'running' && shown.status === 'running' && shown.attempt === job.attempt && pct < shown.pct) {
        pct = shown.pct;
      }
      row._shown = { status: job.status, attempt: job.attempt, pct };
      row.dataset.status = job.status;
      row.dataset.type = job.type || '';
      row.dataset.progress = String(pct);
      row._job = job;
      r.icon.textContent = ICONS[job.status] || '•';
      r.title.textContent = job.title || job.job_id;
      r.typeChip.textContent = job.type || '';
      r.fill.style.width = pct + '%';
      r.bar.setAttribute('aria-valuenow', String(pct));
      r.bar.setAttribute('aria-label', 'Progress of ' + (job.title || job.job_id));
      r.bar.setAttribute('aria-valuetext', pct + '%' + (job.progress_message ? ', ' + job.progress_message : ''));
      r.percent.textContent = pct + '%';
      r.message.textContent = job.progress_message || (job.status === 'queued' ? 'Waiting to start…' : '');
      r.message.hidden = !r.message.textContent;
      r.errorLine.textContent = job.status === 'failed' && job.error ? job.error.split('\n')[0] : '';
      r.errorLine.hidden = !r.errorLine.textContent;

      const childIds = Array.isArray(job.child_job_ids) ? job.child_job_ids : [];
      if (childIds.length > 0) {
        const done = childIds.filter((c) => {
          const child = this._jobs.get(c);
          return child && TERMINAL.has(child.status);
        }).length;
        r.chip.textContent = done + '/' + childIds.length;
        r.chip.setAttribute('aria-label', done + ' of ' + childIds.length + ' subtasks done');
        r.chip.hidden = false;
      } else {
        r.chip.hidden = true;
      }

      const cancelling = this._pendingCancel.has(job.job_id);
      r.cancel.hidden = !(job.cancelable !== false && ACTIVE.has(job.status));
      r.cancel.disabled = cancelling;
      r.cancel.textContent = cancelling ? 'Cancelling…' : 'Cancel';
      r.cancel.setAttribute('aria-label', 'Cancel ' + (job.title || job.job_id));
      r.retry.hidden = !(job.status === 'failed' || job.status === 'cancelled');
      r.retry.setAttribute('aria-label', 'Retry ' + (job.title || job.job_id));
      r.dismiss.hidden = !TERMINAL.has(job.status) || (this._isNested(job) && !row._history);
      r.dismiss.setAttribute('aria-label', (row._history ? 'Delete ' : 'Dismiss ') + (job.title || job.job_id));
      r.toggle.setAttribute('aria-label', 'Details of ' + (job.title || job.job_id));
      this._updateTimes(row, job);
      if (!r.details.hidden) {
        this._renderDetails(row, job);
      }
    }

    _updateTimes(row, job) {
      const r = row._refs;
      const now = Date.now();
      const started = time(job.started_at);
      const created = time(job.created_at);
      const ended = time(job.completed_at);
      if (job.status === 'queued') {
        r.elapsed.textContent = created === null ? '' : 'Queued ' + formatDuration((now - created) / 1000);
      } else if (started !== null) {
        const end = TERMINAL.has(job.status) && ended !== null ? ended : now;
        r.elapsed.textContent = (TERMINAL.has(job.status) ? 'Took ' : 'Elapsed ') + formatDuration(Math.max(0, end - started) / 1000);
      } else {
        r.elapsed.textContent = '';
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
      r.eta.textContent = eta === null ? '' : 'ETA ' + formatDuration(eta);
      r.eta.hidden = eta === null;
    }

    _renderDetails(row, job) {
      const d = row._refs.details;
      d.replaceChildren();
      if (job.error) {
        d.append(el('pre', { 'data-testid': 'task-error' }, job.error));
      }
      if (Array.isArray(job.warnings) && job.warnings.length > 0) {
        d.append(el('ul', { class: 'warnings', 'data-testid': 'task-warnings' }, ...job.warnings.map((w) => el('li', {}, w))));
      }
      const info = el('dl', { 'data-testid': 'task-info' });
      const add = (k, v) => {
        if (v !== null && v !== undefined && v !== '') {
          info.append(el('dt', {}, k), el('dd', {}, v));
        }
      };
      add('Type', job.type);
      add('Description', job.description);
      add('Attempt', job.max_attempts ? job.attempt + ' of ' + job.max_attempts : job.attempt);
      add('Created', job.created_at ? new Date(job.created_at).toLocaleString() : null);
      add('Job id', job.job_id);
      d.append(info);
      if (job.result && typeof job.result === 'object') {
        const result = el('div', { 'data-testid': 'task-result' });
        const link = safeUrl(job.result.url || job.result.link || job.result.image_url);
        if (link) {
          const a = el('a', { 'data-testid': 'task-result-link', target: '_blank', rel: 'noopener' }, 'Open result');
          a.href = link;
          result.append(a);
        }
        const preview = el('dl', { 'data-testid': 'task-result-preview' });
        for (const [k, v] of Object.entries(job.result).slice(0, 8)) {
          preview.append(el('dt', {}, k), el('dd', {}, previewValue(v)));
        }
        result.append(preview);
        const image = safeUrl(job.result.preview_url || job.result.thumbnail_url);
        if (image) {
          const img = el('img', { alt: 'Result preview', 'data-testid': 'task-result-image' });
          img.src = image;
          result.append(img);
        }
        d.append(result);
      }
    }

    // ---- layout -------------------------------------------------------------------------------

    _scheduleLayout() {
      if (!this._layoutQueued) {
        this._layoutQueued = true;
        queueMicrotask(() => {
          this._layoutQueued = false;
          this._layout();
        });
      }
    }

    _filters() {
      return {
        text: this._q('#search').value.trim().toLowerCase(),
        status: this._q('#status-filter').value,
        type: this._q('#type-filter').value,
      };
    }

    _matches(job, f) {
      if (f.status && job.status !== f.status) {
        return false;
      }
      const tree = [job, ...this._descendants(job)];
      if (f.type && !tree.some((j) => j.type === f.type)) {
        return false;
      }
      return !f.text || tree.some((j) => (j.title || '').toLowerCase().includes(f.text));
    }

    _descendants(job, depth = 0) {
      const out = [];
      if (depth > 5) {
        return out;
      }
      for (const id of job.child_job_ids || []) {
        const child = this._jobs.get(id);
        if (child) {
          out.push(child, ...this._descendants(child, depth + 1));
        }
      }
      return out;
    }

    _layout() {
      const f = this._filters();
      const byStatus = new Map(GROUPS.map(([s]) => [s, []]));
      for (const job of this._topLevel()) {
        const row = this._rows.get(job.job_id);
        if (this._isHidden(job) || !this._matches(job, f) || !byStatus.has(job.status)) {
          row.remove();
          continue;
        }
        byStatus.get(job.status).push(job);
      }
      const order = {
        running: (a, b) => (time(a.started_at) || 0) - (time(b.started_at) || 0),
        queued: (a, b) => (b.priority || 0) - (a.priority || 0) || (time(a.created_at) || 0) - (time(b.created_at) || 0),
      };
      const newestEnd = (a, b) => (time(b.completed_at) || 0) - (time(a.completed_at) || 0);
      let visible = 0;
      for (const [status, group] of this._groups) {
        const jobs = byStatus.get(status).sort(order[status] || newestEnd);
        this._place(group.list, jobs.map((j) => this._rows.get(j.job_id)));
        group.section.hidden = jobs.length === 0;
        group.count.textContent = jobs.length > 0 ? '(' + jobs.length + ')' : '';
        visible += jobs.length;
      }
      for (const job of this._jobs.values()) {
        const row = this._rows.get(job.job_id);
        const kids = (job.child_job_ids || []).map((c) => this._rows.get(c)).filter(Boolean);
        this._place(row._refs.children, kids);
        row._refs.children.hidden = kids.length === 0;
      }
      this._q('[data-testid="empty"]').hidden = visible > 0;
      this._updateBadge();
    }

    /** Puts rows into list in order, moving only rows that are out of place (keeps focus). */
    _place(list, rows) {
      rows.forEach((row, i) => {
        if (list.children[i] !== row) {
          list.insertBefore(row, list.children[i] || null);
        }
      });
      while (list.children.length > rows.length) {
        list.lastElementChild.remove();
      }
    }

    _updateBadge() {
      const top = this._topLevel();
      const active = top.filter((j) => ACTIVE.has(j.status)).length;
      const all = Array.from(this._jobs.values());
      let state = 'idle';
      if (all.some((j) => j.status === 'running')) {
        state = 'running';
      } else if (active > 0) {
        state = 'queued';
      } else if (top.some((j) => j.status === 'failed' && !this._isHidden(j))) {
        state = 'failed';
      } else if (top.some((j) => j.status === 'completed' && !this._isHidden(j))) {
        state = 'completed';
      }
      this._fab.dataset.state = state;
      this._badge.textContent = String(active);
      this._badge.hidden = active === 0;
      this.setAttribute('data-active', String(active));
      const words = active === 1 ? '1 active task' : active + ' active tasks';
      this._fab.setAttribute('aria-label', 'Task manager: ' + words + (this._connected ? '' : ', disconnected'));
      this._q('[data-testid="panel-count"]').textContent = '(' + active + ')';
    }

    _tick() {
      if (!this._panel.classList.contains('open')) {
        return;
      }
      for (const [id, row] of this._rows) {
        const job = this._jobs.get(id);
        if (job && row.isConnected) {
          this._updateTimes(row, job);
        }
      }
    }

    _noteType(type) {
      if (!type) {
        return;
      }
      const select = this._q('#type-filter');
      if (Array.from(select.options).some((o) => o.value === type)) {
        return;
      }
      const option = el('option', {}, type);
      option.value = type;
      const after = Array.from(select.options).slice(1).find((o) => o.value > type);
      select.insertBefore(option, after || null);
    }

    _filtersChanged() {
      if (this._view === 'history') {
        clearTimeout(this._historyTimer);
        this._historyTimer = setTimeout(() => this._loadHistory(), 250);
      } else {
        this._layout();
      }
    }

    // ---- history ------------------------------------------------------------------------------

    _showView(view) {
      this._view = view;
      for (const name of ['live', 'history']) {
        const tab = this._q('#tab-' + name);
        tab.setAttribute('aria-selected', String(name === view));
        tab.tabIndex = name === view ? 0 : -1;
        this._q('#view-' + name).hidden = name !== view;
      }
      if (view === 'history') {
        this._loadHistory();
      } else {
        this._layout();
      }
    }

    async _loadHistory() {
      const f = this._filters();
      const statuses = f.status && TERMINAL.has(f.status) ? f.status : 'completed,failed,cancelled';
      let query = '?status=' + statuses + '&limit=' + (Number(this.getAttribute('history-limit')) || 100);
      if (f.type) {
        query += '&type=' + encodeURIComponent(f.type);
      }
      if (f.text) {
        query += '&q=' + encodeURIComponent(f.text);
      }
      const list = this._q('#history-list');
      const empty = this._q('[data-testid="history-empty"]');
      if (f.status && !TERMINAL.has(f.status)) {
        list.replaceChildren();
        empty.hidden = false;
        return;
      }
      try {
        const jobs = await this._request('GET', query);
        const byId = new Map(jobs.map((j) => [j.job_id, j]));
        const rows = new Map();
        for (const job of jobs) {
          const row = this._createRow(job, true);
          row.setAttribute('data-testid', 'history-task');
          rows.set(job.job_id, row);
          this._updateRow(row, job);
        }
        const top = [];
        for (const job of jobs) {
          const parentRow = job.parent_job_id && byId.has(job.parent_job_id) ? rows.get(job.parent_job_id) : null;
          if (parentRow) {
            parentRow._refs.children.append(rows.get(job.job_id));
            parentRow._refs.children.hidden = false;
          } else {
            top.push(rows.get(job.job_id));
          }
        }
        list.replaceChildren(...top);
        empty.hidden = top.length > 0;
      } catch (e) {
        this._toast('error', 'Could not load the history', e.message);
      }
    }

    // ---- actions ------------------------------------------------------------------------------

    _onClick(e) {
      const button = e.target.closest('button');
      if (button === this._fab) {
        this.toggle();
        return;
      }
      if (button && button.dataset.view) {
        this._showView(button.dataset.view);
        return;
      }
      const toastText = e.target.closest('.toast-text');
      if (toastText) {
        this._focusJob(toastText.dataset.jobId);
        return;
      }
      if (!button || !button.dataset.action) {
        return;
      }
      const row = button.closest('[data-job-id]');
      const id = row ? row.dataset.jobId : null;
      switch (button.dataset.action) {
        case 'close': this.close(); break;
        case 'toast-close': button.closest('.toast').remove(); break;
        case 'details': this._toggleDetails(row); break;
        case 'cancel': this._mutate(id, 'POST', '/' + encodeURIComponent(id) + '/cancel', 'cancel'); break;
        case 'retry': this._mutate(id, 'POST', '/' + encodeURIComponent(id) + '/retry', 'retry'); break;
        case 'dismiss': this._dismiss(id); break;
        case 'delete': this._delete(id, row); break;
        case 'clear-completed': this._clearCompleted(); break;
        case 'notifications': this._askNotifications(); break;
        default: break;
      }
    }

    _onKeyDown(e) {
      if (e.key === 'Escape' && this._panel.classList.contains('open')) {
        e.stopPropagation();
        this.close();
        this._fab.focus();
        return;
      }
      const tab = e.target.closest('[role="tab"]');
      if (tab && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
        const next = tab.dataset.view === 'live' ? 'history' : 'live';
        this._showView(next);
        this._q('#tab-' + next).focus();
        e.preventDefault();
      }
    }

    _toggleDetails(row) {
      const r = row._refs;
      const open = r.details.hidden;
      r.details.hidden = !open;
      r.toggle.setAttribute('aria-expanded', String(open));
      r.toggle.textContent = open ? 'Hide details' : 'Details';
      const id = row.dataset.jobId;
      if (open) {
        this._expanded.add(id);
        this._renderDetails(row, (row._history ? row._job : this._jobs.get(id)) || row._job);
      } else {
        this._expanded.delete(id);
        r.details.replaceChildren();
      }
    }

    _focusJob(id) {
      this.open();
      this._showView('live');
      if (this._autoHidden.delete(id) || this._dismissed.delete(id)) {
        this._saveDismissed();
      }
      this._clearTimer(id);
      this._layout();
      const row = this._rows.get(id);
      if (row && row.isConnected) {
        if (row._refs.details.hidden) {
          this._toggleDetails(row);
        }
        row.scrollIntoView({ block: 'nearest' });
        row._refs.toggle.focus();
      }
    }

    async _mutate(id, method, path, what) {
      if (what === 'cancel') {
        this._pendingCancel.add(id);
        const row = this._rows.get(id);
        if (row && this._jobs.has(id)) {
          this._updateRow(row, this._jobs.get(id));
        }
      }
      try {
        const job = await this._request(method, path);
        if (job && job.job_id) {
          if (what === 'retry') {
            this._seenActive.add(job.job_id);
            this._autoHidden.delete(job.job_id);
          }
          this._upsert(job);
          if (this._view === 'history') {
            this._loadHistory();
          }
        }
      } catch (e) {
        this._pendingCancel.delete(id);
        if (this._jobs.has(id)) {
          this._updateRow(this._rows.get(id), this._jobs.get(id));
        }
        this._toast('error', 'Could not ' + what + ' the task', e.message);
      }
    }

    _dismiss(id) {
      this._dismissed.add(id);
      this._saveDismissed();
      this._clearTimer(id);
      const row = this._rows.get(id);
      const next = row && row.isConnected ? (row.nextElementSibling || row.previousElementSibling) : null;
      this._layout();
      if (next && next.isConnected) {
        next._refs.toggle.focus();
      } else {
        this._panel.focus({ preventScroll: true });
      }
    }

    async _delete(id, row) {
      try {
        await this._request('DELETE', '/' + encodeURIComponent(id));
        row.remove();
        this._remove(id);
      } catch (e) {
        this._toast('error', 'Could not delete the task', e.message);
      }
    }

    async _clearCompleted() {
      try {
        const answer = await this._request('DELETE', '?status=completed');
        for (const job of Array.from(this._jobs.values())) {
          if (job.status === 'completed' && !this._isNested(job)) {
            this._remove(job.job_id);
          }
        }
        const n = answer && typeof answer.deleted === 'number' ? answer.deleted : 0;
        this._toast('info', n === 1 ? 'Cleared 1 completed task' : 'Cleared ' + n + ' completed tasks');
        if (this._view === 'history') {
          this._loadHistory();
        }
      } catch (e) {
        this._toast('error', 'Could not clear completed tasks', e.message);
      }
    }

    async _request(method, path) {
      const response = await fetch(this.basePath + path, {
        method,
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (response.status === 204) {
        return null;
      }
      let body = null;
      try {
        body = await response.json();
      } catch (e) {
        body = null;
      }
      if (!response.ok) {
        const error = new Error(body && body.error ? body.error : 'HTTP ' + response.status);
        error.status = response.status;
        throw error;
      }
      return body;
    }

    // ---- notifications ------------------------------------------------------------------------

    _announceEnd(job) {
      const kind = job.status === 'completed' ? 'completed' : job.status === 'failed' ? 'failed' : null;
      if (kind) {
        this.dispatchEvent(new CustomEvent(kind === 'completed' ? 'job-complete' : 'job-fail', { detail: job, bubbles: true, composed: true }));
      }
      if (!kind || this._isNested(job)) {
        return; // subtasks report through their parent
      }
      const heading = (kind === 'completed' ? 'Completed: ' : 'Failed: ') + (job.title || job.job_id);
      let body;
      if (kind === 'failed') {
        body = job.error || '';
      } else {
        const summary = job.result && typeof job.result.summary === 'string' ? job.result.summary : job.progress_message;
        const warnings = Array.isArray(job.warnings) ? job.warnings.length : 0;
        body = (summary || '') + (warnings > 0 ? ' (' + warnings + (warnings === 1 ? ' warning)' : ' warnings)') : '');
      }
      this._toast(kind, heading, body, job.job_id);
      if ('Notification' in window && Notification.permission === 'granted') {
        try {
          new Notification(heading, { body: body.slice(0, 300), tag: job.job_id });
        } catch (e) {
          // some browsers only allow notifications from a service worker
        }
      }
    }

    _toast(kind, heading, body, jobId) {
      const text = el('span', { class: 'toast-text', 'data-testid': 'toast-text' }, heading,
        body ? el('span', { class: 'toast-body' }, body.length > 240 ? body.slice(0, 237) + '…' : body) : null);
      if (jobId) {
        text.dataset.jobId = jobId;
        text.setAttribute('role', 'button');
        text.setAttribute('tabindex', '0');
        text.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            this._focusJob(jobId);
          }
        });
      }
      const toast = el('div', { class: 'toast', 'data-testid': 'toast', 'data-kind': kind },
        text, el('button', { type: 'button', class: 'icon-btn', 'data-action': 'toast-close', 'aria-label': 'Close notification' }, '×'));
      if (jobId) {
        toast.dataset.jobId = jobId;
      }
      const container = this._q('.toasts');
      container.append(toast);
      while (container.children.length > 4) {
        container.firstElementChild.remove();
      }
      setTimeout(() => toast.remove(), kind === 'failed' || kind === 'error' ? 12000 : 6000);
    }

    _updateNotificationButton() {
      const button = this._q('[data-testid="enable-notifications"]');
      button.hidden = !('Notification' in window) || Notification.permission !== 'default';
    }

    async _askNotifications() {
      try {
        await Notification.requestPermission();
      } catch (e) {
        // denied or unsupported
      }
      this._updateNotificationButton();
    }

    // ---- dismissed ids (kept across reloads) --------------------------------------------------

    _storageKey() {
      return 'jobqueue.dismissed:' + this.basePath;
    }

    _loadDismissed() {
      try {
        const raw = window.localStorage.getItem(this._storageKey());
        const ids = raw ? JSON.parse(raw) : [];
        return new Set(Array.isArray(ids) ? ids.filter((x) => typeof x === 'string') : []);
      } catch (e) {
        return new Set();
      }
    }

    _saveDismissed() {
      const ids = Array.from(this._dismissed).slice(-MAX_DISMISSED);
      try {
        window.localStorage.setItem(this._storageKey(), JSON.stringify(ids));
      } catch (e) {
        // storage disabled or full: dismissals last for this page only
      }
    }
  }

  customElements.define('job-task-manager', JobTaskManager);
})();
