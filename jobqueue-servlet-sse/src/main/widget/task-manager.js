/*
 * <job-task-manager>: the floating task manager of jobqueue.
 *
 * Add it to any page with one script tag and one element:
 *
 *   <script src="/api/jobs/ui/task-manager.js" defer></script>
 *   <job-task-manager base-path="/api/jobs"></job-task-manager>
 *
 * Dependency-free (plain JavaScript and CSS), rendered in a Shadow DOM so page styles neither
 * leak in nor out. Live updates come from the Server-Sent-Events stream at {base-path}/stream;
 * mutations use fetch with same-origin credentials.
 *
 * Security rule of this widget: text that comes from jobs (titles, messages, errors, results) is
 * only ever inserted with textContent or setAttribute, never as HTML. The one HTML template is
 * static and holds no job data.
 *
 * Attributes: base-path (default /api/jobs), auto-dismiss-ms (default 5000; 0 keeps completed
 * tasks), history-limit (default 100), open (panel starts open), poll-interval-ms (default 3000:
 * how often the fallback polls when the stream cannot be kept open).
 * Events (bubbling, composed): job-update, job-complete, job-fail (detail: the job JSON),
 * connection-change (detail: {connected}).
 * Methods: open(), close(), toggle(), jobs (array of the known jobs).
 * Styling: CSS custom properties --jq-accent, --jq-success, --jq-danger, --jq-bg, --jq-fg,
 * --jq-muted, --jq-font, and parts button, badge, panel, task, toasts.
 *
 * This module is the custom element: it wires the store, the stream, the API, the rows and the
 * notifications together and owns the panel's layout. See README.md next to it for the others.
 */

import { STYLE, TEMPLATE, styleSheet } from './styles.js';
import { ACTIVE, GROUPS, TERMINAL } from './status.js';
import { time } from './format.js';
import { el } from './dom.js';
import { JobStore } from './job-store.js';
import { JobFeed } from './job-feed.js';
import { JobApi } from './api.js';
import { createRow, placeRows, toggleDetails, updateRow, updateTimes } from './rows.js';
import { askNotifications, endNotice, notificationsAskable, notifyBrowser } from './notifications.js';
import { Toasts } from './toasts.js';
import { TypeGroups } from './type-groups.js';
import { renderStats } from './stats-view.js';
import { Dismissals } from './dismissals.js';
import { closeLogView, keepLogView, markPaused, syncLogView } from './job-ops.js';

const VIEWS = ['live', 'history', 'stats'];

function localStorageOrNull() {
  try {
    return window.localStorage;
  } catch (e) {
    return null; // storage disabled: dismissals last for this page only
  }
}

export class JobTaskManager extends HTMLElement {
  static get observedAttributes() {
    return ['base-path'];
  }

  constructor() {
    super();
    this._store = new JobStore();
    this._api = new JobApi(() => this.basePath);
    this._rows = new Map(); // job_id -> row element of the live view
    this._autoHidden = new Set(); // completed tasks hidden after auto-dismiss
    this._timers = new Map(); // job_id -> auto-dismiss timer
    this._fetchedChildren = new Set();
    this._fetchingParents = new Set();
    this._dismissed = new Dismissals(null, '');
    this._connected = false;
    this._polling = false;
    this._byType = false;
    this._view = 'live';
    this._layoutQueued = false;

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
    this._toasts = new Toasts(this._q('.toasts'), (id) => (id ? this._focusJob(id) : this.open()));
    this._typeGroups = new TypeGroups(this._q('#type-groups'));
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
    return this._store.values();
  }

  connectedCallback() {
    this._dismissed = new Dismissals(localStorageOrNull(), 'jobqueue.dismissed:' + this.basePath);
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
    for (const t of this._timers.values()) {
      clearTimeout(t);
    }
    this._timers.clear();
    if (this._feed) {
      this._feed.stop();
      this._feed = null;
    }
    this._rows.forEach((row) => closeLogView(row));
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (name === 'base-path' && oldValue !== null && oldValue !== newValue && this.isConnected) {
      this._feed.reset();
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
    if (this._feed) {
      this._feed.stop();
    }
    this._feed = new JobFeed({
      url: this.basePath + '/stream',
      api: this._api,
      store: this._store,
      view: {
        upserted: (change) => this._upserted(change),
        removed: (id) => this._removed(id),
        cleared: (ids) => this._cleared(ids),
        connection: (connected) => this._setConnected(connected),
        polling: (active) => this._setPolling(active),
        paused: (types) => this._setPaused(types),
      },
      pollOptions: { intervalMs: Number(this.getAttribute('poll-interval-ms')) || 3000 },
    });
    this._feed.start();
  }

  _setConnected(connected) {
    const changed = this._connected !== connected || this._fab.dataset.connection === 'connecting';
    this._connected = connected;
    this._renderConnection();
    if (changed) {
      this.dispatchEvent(new CustomEvent('connection-change', { detail: { connected }, bubbles: true, composed: true }));
    }
  }

  /** The polling fallback started or stopped (the stream kept failing, or works again). */
  _setPolling(active) {
    this._polling = active;
    this._renderConnection();
  }

  _renderConnection() {
    const state = this._connected ? 'connected' : this._polling ? 'polling' : 'disconnected';
    if (this._fab.dataset.connection === state) {
      return; // a new stream (another base path) in the same state: nothing changed
    }
    this._fab.dataset.connection = state;
    this.setAttribute('data-connection', state);
    const conn = this._q('[data-testid="connection"]');
    conn.dataset.state = state;
    conn.textContent = { connected: '● Live', polling: '● Polling', disconnected: '● Disconnected' }[state];
    this._q('[data-testid="disconnected"]').hidden = state !== 'disconnected';
    this._q('[data-testid="polling"]').hidden = state !== 'polling';
    this._updateBadge();
  }

  // ---- model --------------------------------------------------------------------------------

  // Answers that arrive after the element left the page (no feed) are dropped.
  _upsert(job) {
    if (this._feed) {
      this._feed.upsert(job);
    }
  }

  _remove(id) {
    if (this._feed) {
      this._feed.remove(id);
    }
  }

  /** Shows what the store took in (from the stream or a REST answer). */
  _upserted(change) {
    const job = change.job;
    const id = job.job_id;
    if (ACTIVE.has(job.status)) {
      this._autoHidden.delete(id);
      this._clearTimer(id);
      this._dismissed.delete(id);
      this._toasts.forgetJob(id); // retried: its failure is no longer news
    }
    let row = this._rows.get(id);
    if (!row) {
      row = createRow(job, false);
      this._rows.set(id, row);
    }
    this._updateRow(row, job);
    this._noteType(job.type);
    if (job.status === 'completed') {
      this._scheduleAutoDismiss(job);
    }
    if (change.ended) {
      this._announceEnd(job);
    }
    const parent = this._store.missingParent(job);
    if (parent) {
      this._fetchParent(parent);
    }
    if (this._store.hasMissingChildren(job)) {
      this._fetchChildren(id);
    }
    if (job.parent_job_id && this._rows.has(job.parent_job_id)) {
      this._updateRow(this._rows.get(job.parent_job_id), this._store.get(job.parent_job_id));
    }
    this.dispatchEvent(new CustomEvent('job-update', { detail: job, bubbles: true, composed: true }));
    this._store.prunable((j) => this._isHidden(j)).forEach((pruned) => this._remove(pruned));
    this._scheduleLayout();
  }

  _removed(id) {
    this._clearTimer(id);
    const row = this._rows.get(id);
    if (row) {
      closeLogView(row);
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

  /** The store forgot every job (stream reset): the state that follows rebuilds the rows. */
  _cleared(ids) {
    for (const id of ids) {
      this._clearTimer(id);
    }
    for (const row of this._rows.values()) {
      closeLogView(row);
      row.remove();
    }
    this._rows.clear();
    this._fetchedChildren.clear();
    this._fetchingParents.clear();
    this._scheduleLayout();
  }

  _scheduleAutoDismiss(job) {
    const id = job.job_id;
    const delay = this.autoDismissMs;
    if (delay === 0 || this._timers.has(id) || this._autoHidden.has(id)) {
      return;
    }
    const completedAt = time(job.completed_at);
    const age = completedAt === null ? 0 : Date.now() - completedAt;
    if (!this._store.seenActive.has(id) && age > delay) {
      this._autoHidden.add(id); // finished before this page saw it: history only
      return;
    }
    this._timers.set(id, setTimeout(() => {
      this._timers.delete(id);
      const current = this._store.get(id);
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

  async _fetchParent(id) {
    if (this._fetchingParents.has(id)) {
      return;
    }
    this._fetchingParents.add(id);
    try {
      this._upsert(await this._api.get(id));
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
      const children = await this._api.children(id);
      children.forEach((c) => {
        if (!this._store.has(c.job_id)) {
          this._upsert(c);
        }
      });
    } catch (e) {
      this._fetchedChildren.delete(id);
    }
  }

  // ---- rows ---------------------------------------------------------------------------------

  _updateRow(row, job) {
    updateRow(row, job, {
      childProgress: this._store.childProgress(job),
      pendingCancel: !row._history && this._store.isCancelPending(job.job_id),
      nested: this._store.isNested(job),
      baseUrl: document.baseURI,
      now: Date.now(),
    });
    keepLogView(row);
    markPaused(row, job, this._paused || new Set());
  }

  /** The job types paused on the server (event: paused): queued rows of them say so. */
  _setPaused(types) {
    this._paused = new Set(types);
    this._rows.forEach((row, id) => this._refreshRow(id));
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

  _layout() {
    const filters = this._filters();
    const hidden = (j) => this._isHidden(j);
    const shown = new Set();
    let visible = 0;
    if (this._byType) {
      const byType = this._store.typeGroups(filters, hidden);
      byType.forEach((jobs) => jobs.forEach((j) => shown.add(j.job_id)));
      visible = this._typeGroups.place(byType, (j) => this._rows.get(j.job_id));
    } else {
      this._typeGroups.clear();
    }
    const byStatus = this._store.groups(filters, hidden);
    for (const [status, group] of this._groups) {
      const jobs = this._byType ? [] : byStatus.get(status);
      jobs.forEach((j) => shown.add(j.job_id));
      placeRows(group.list, jobs.map((j) => this._rows.get(j.job_id)));
      group.section.hidden = jobs.length === 0;
      group.count.textContent = jobs.length > 0 ? '(' + jobs.length + ')' : '';
      visible += jobs.length;
    }
    for (const job of this._store.topLevel()) {
      if (!shown.has(job.job_id)) {
        this._rows.get(job.job_id).remove();
      }
    }
    for (const job of this._store.values()) {
      const row = this._rows.get(job.job_id);
      const kids = this._store.children(job).map((c) => this._rows.get(c.job_id)).filter(Boolean);
      placeRows(row._refs.children, kids);
      row._refs.children.hidden = kids.length === 0;
    }
    this._q('[data-testid="empty"]').hidden = visible > 0;
    this._updateBadge();
    this._updateExportLinks(filters);
  }

  /** The export buttons download what the current view and filters select. */
  _updateExportLinks(filters) {
    const status = filters.status || (this._view === 'history' ? 'completed,failed,cancelled' : '');
    const f = { status, type: filters.type, text: filters.text };
    this._q('[data-testid="export-json"]').href = this._api.exportUrl('json', f);
    this._q('[data-testid="export-csv"]').href = this._api.exportUrl('csv', f);
  }

  _updateBadge() {
    const { state, active } = this._store.badge((j) => this._isHidden(j));
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
    const now = Date.now();
    for (const [id, row] of this._rows) {
      const job = this._store.get(id);
      if (job && row.isConnected) {
        updateTimes(row, job, now);
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
    this._updateExportLinks(this._filters());
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
    for (const name of VIEWS) {
      const tab = this._q('#tab-' + name);
      tab.setAttribute('aria-selected', String(name === view));
      tab.tabIndex = name === view ? 0 : -1;
      this._q('#view-' + name).hidden = name !== view;
    }
    if (view === 'history') {
      this._loadHistory();
    } else if (view === 'stats') {
      this._loadStats();
    }
    this._layout();
  }

  async _loadStats() {
    try {
      renderStats(this._q('#stats'), await this._api.stats());
    } catch (e) {
      this._toasts.show('error', 'Could not load the statistics', e.message);
    }
  }

  _toggleGroupByType() {
    this._byType = !this._byType;
    this._q('[data-testid="group-by-type"]').setAttribute('aria-pressed', String(this._byType));
    this._layout();
  }

  async _loadHistory() {
    const f = this._filters();
    const list = this._q('#history-list');
    const empty = this._q('[data-testid="history-empty"]');
    if (f.status && !TERMINAL.has(f.status)) {
      list.replaceChildren();
      empty.hidden = false;
      return;
    }
    const statuses = f.status || 'completed,failed,cancelled';
    const limit = Number(this.getAttribute('history-limit')) || 100;
    try {
      const jobs = await this._api.history({ status: statuses, type: f.type, text: f.text }, limit);
      const byId = new Map(jobs.map((j) => [j.job_id, j]));
      const rows = new Map();
      for (const job of jobs) {
        const row = createRow(job, true);
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
      this._toasts.show('error', 'Could not load the history', e.message);
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
      case 'group-by-type': this._toggleGroupByType(); break;
      case 'refresh-stats': this._loadStats(); break;
      case 'details': this._toggleDetails(row); break;
      case 'cancel': this._mutate(id, 'cancel'); break;
      case 'retry': this._mutate(id, 'retry'); break;
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
      const step = e.key === 'ArrowRight' ? 1 : VIEWS.length - 1;
      const next = VIEWS[(VIEWS.indexOf(tab.dataset.view) + step) % VIEWS.length];
      this._showView(next);
      this._q('#tab-' + next).focus();
      e.preventDefault();
    }
  }

  _toggleDetails(row) {
    const id = row.dataset.jobId;
    const open = toggleDetails(row, (row._history ? row._job : this._store.get(id)) || row._job, document.baseURI);
    syncLogView(row, open, this.basePath);
  }

  _focusJob(id) {
    this.open();
    this._showView('live');
    this._autoHidden.delete(id);
    this._dismissed.delete(id);
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

  async _mutate(id, what) {
    if (what === 'cancel') {
      this._store.markCancelPending(id, true);
      this._refreshRow(id);
    }
    try {
      const job = await (what === 'cancel' ? this._api.cancel(id) : this._api.retry(id));
      if (job && job.job_id) {
        if (what === 'retry') {
          this._store.markActive(job.job_id);
          this._autoHidden.delete(job.job_id);
        }
        this._upsert(job);
        if (this._view === 'history') {
          this._loadHistory();
        }
      }
    } catch (e) {
      this._store.markCancelPending(id, false);
      this._refreshRow(id);
      this._toasts.show('error', 'Could not ' + what + ' the task', e.message);
    }
  }

  _refreshRow(id) {
    const row = this._rows.get(id);
    if (row && this._store.has(id)) {
      this._updateRow(row, this._store.get(id));
    }
  }

  _dismiss(id) {
    this._dismissed.add(id);
    this._toasts.forgetJob(id);
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
      await this._api.delete(id);
      row.remove();
      this._remove(id);
    } catch (e) {
      this._toasts.show('error', 'Could not delete the task', e.message);
    }
  }

  async _clearCompleted() {
    try {
      const answer = await this._api.clearCompleted();
      for (const job of this._store.values()) {
        if (job.status === 'completed' && !this._store.isNested(job)) {
          this._remove(job.job_id);
        }
      }
      const n = answer && typeof answer.deleted === 'number' ? answer.deleted : 0;
      this._toasts.show('info', n === 1 ? 'Cleared 1 completed task' : 'Cleared ' + n + ' completed tasks');
      if (this._view === 'history') {
        this._loadHistory();
      }
    } catch (e) {
      this._toasts.show('error', 'Could not clear completed tasks', e.message);
    }
  }

  // ---- notifications ------------------------------------------------------------------------

  _announceEnd(job) {
    if (job.status === 'completed' || job.status === 'failed') {
      const name = job.status === 'completed' ? 'job-complete' : 'job-fail';
      this.dispatchEvent(new CustomEvent(name, { detail: job, bubbles: true, composed: true }));
    }
    const notice = endNotice(job, this._store.isNested(job));
    if (notice) {
      this._toasts.show(notice.kind, notice.heading, notice.body, job.job_id);
      notifyBrowser(notice.heading, notice.body, job.job_id);
    }
    if (this._view === 'stats' && !this._store.isNested(job)) {
      this._loadStats();
    }
  }

  _updateNotificationButton() {
    this._q('[data-testid="enable-notifications"]').hidden = !notificationsAskable();
  }

  async _askNotifications() {
    await askNotifications();
    this._updateNotificationButton();
  }
}

if (!customElements.get('job-task-manager')) {
  customElements.define('job-task-manager', JobTaskManager);
}
