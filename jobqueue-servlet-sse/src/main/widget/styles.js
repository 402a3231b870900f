// The widget's CSS and its static markup. Neither ever holds job data.

export const STYLE = `
:host {
  --jq-accent: #1d4ed8; --jq-success: #15803d; --jq-danger: #b91c1c; --jq-warn: #92400e;
  --jq-bg: #ffffff; --jq-fg: #0f172a; --jq-muted: #475569; --jq-line: #e2e8f0; --jq-soft: #f1f5f9;
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
@keyframes jq-pulse { to { box-shadow: 0 0 0 14px rgba(29, 78, 216, 0); } }
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
.bar { display: flex; align-items: center; gap: 8px; padding: 10px 12px; border-bottom: 1px solid var(--jq-line); }
.bar h2 { font-size: 15px; margin: 0; flex: 1; }
.conn { font-size: 12px; color: var(--jq-success); }
.conn[data-state="disconnected"], .conn[data-state="polling"] { color: var(--jq-warn); }
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
.foot { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px 12px; border-top: 1px solid var(--jq-line); }
.btn { border: 1px solid var(--jq-line); background: var(--jq-bg); border-radius: 6px; padding: 3px 10px; font-size: 13px; }
.btn:hover:not(:disabled) { background: var(--jq-soft); }
.btn:disabled { opacity: .55; cursor: default; }
.btn.danger { color: var(--jq-danger); }
a.btn { color: inherit; text-decoration: none; }
.btn[aria-pressed="true"] { background: var(--jq-soft); border-color: var(--jq-muted); font-weight: 600; }
.foot .spacer { flex: 1; }
.stats { width: 100%; border-collapse: collapse; margin: 4px 0 12px; font-size: 12px; font-variant-numeric: tabular-nums; }
.stats caption { text-align: left; font-weight: 600; padding: 4px 0; }
.stats th, .stats td { padding: 2px 6px; text-align: right; border-bottom: 1px solid var(--jq-line); }
.stats th[scope="row"], .stats thead th:first-child { text-align: left; }
.stats-line { font-size: 12px; margin: 0 0 8px; }
#view-stats { padding: 4px 12px; }

.task { padding: 8px 12px; border-left: 3px solid transparent; }
.task + .task { border-top: 1px solid var(--jq-line); }
.task[data-status="running"] { border-left-color: var(--jq-accent); }
.task[data-status="completed"] { border-left-color: var(--jq-success); }
.task[data-status="failed"] { border-left-color: var(--jq-danger); background: #fef2f2; }
.task[data-status="cancelled"] { border-left-color: var(--jq-muted); }
.head { display: flex; gap: 6px; align-items: baseline; }
.status-icon { width: 1em; text-align: center; color: var(--jq-muted); }
.task[data-status="running"] > .head .status-icon { color: var(--jq-accent); }
.task[data-status="completed"] > .head .status-icon { color: var(--jq-success); }
.task[data-status="failed"] > .head .status-icon { color: var(--jq-danger); }
.title { flex: 1; font-weight: 600; overflow-wrap: anywhere; }
.chip { font-size: 11px; padding: 0 6px; border-radius: 8px; background: var(--jq-soft); color: var(--jq-fg); white-space: nowrap; }
.count { font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
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
.job-log .log-title { color: var(--jq-muted); margin-top: 6px; }
.job-log .log-lines { margin-top: 2px; max-height: 160px; overflow: auto; padding: 4px 6px; border-radius: 4px; background: var(--jq-bg); font: 11px/1.35 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.job-log .log-marker { color: var(--jq-muted); font-style: italic; }
.chip.paused { background: var(--jq-warn); color: #fff; }
.children { margin: 6px 0 0 6px; border-left: 2px solid var(--jq-line); }
.children .task { padding: 5px 8px; }
.children .title { font-weight: 500; }
.children [data-testid="task-type"] { display: none; }
.children .actions { margin-top: 2px; }
.children .btn { padding: 0 8px; font-size: 12px; }

.toasts { position: absolute; right: 0; bottom: 68px; display: flex; flex-direction: column; gap: 8px; width: min(360px, calc(100vw - 40px)); pointer-events: none; }
.panel.open + .toasts { right: calc(min(420px, 100vw - 40px) + 12px); }
@media (max-width: 860px) { .panel.open + .toasts { display: none; } }
.toast-more { pointer-events: auto; align-self: flex-end; border: 1px solid var(--jq-line); background: var(--jq-bg); border-radius: 12px; padding: 2px 10px; font-size: 12px; }
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
export const TEMPLATE = `
<section class="panel" part="panel" id="panel" data-testid="panel" role="dialog"
         aria-labelledby="panel-title" tabindex="-1" inert>
  <div class="bar">
    <h2 id="panel-title">Tasks <span data-testid="panel-count"></span></h2>
    <span class="conn" data-testid="connection" role="status" aria-live="polite">Connecting…</span>
    <button type="button" class="icon-btn" data-action="close" data-testid="close"
            aria-label="Close task manager">×</button>
  </div>
  <div class="banner" data-testid="disconnected" role="alert" hidden>
    Disconnected from the server — reconnecting… Progress shown may be out of date.
  </div>
  <div class="banner" data-testid="polling" role="status" hidden>
    Live updates are unavailable here — checking for changes every few seconds.
  </div>
  <div class="toolbar">
    <div class="tabs" role="tablist" aria-label="Task views">
      <button type="button" role="tab" id="tab-live" data-view="live" data-testid="tab-live"
              aria-selected="true" aria-controls="view-live">Tasks</button>
      <button type="button" role="tab" id="tab-history" data-view="history" data-testid="tab-history"
              aria-selected="false" aria-controls="view-history" tabindex="-1">History</button>
      <button type="button" role="tab" id="tab-stats" data-view="stats" data-testid="tab-stats"
              aria-selected="false" aria-controls="view-stats" tabindex="-1">Statistics</button>
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
    <button type="button" class="btn" data-action="group-by-type" data-testid="group-by-type"
            aria-pressed="false">Group by type</button>
  </div>
  <div class="lists">
    <div id="view-live" role="tabpanel" aria-labelledby="tab-live" data-testid="view-live">
      <div id="groups"></div>
      <div id="type-groups" data-testid="type-groups"></div>
      <p class="empty" data-testid="empty">No tasks. Work you start shows up here.</p>
    </div>
    <div id="view-history" role="tabpanel" aria-labelledby="tab-history" data-testid="view-history" hidden>
      <ul id="history-list" data-testid="history-list" aria-label="Finished tasks"></ul>
      <p class="empty" data-testid="history-empty" hidden>No finished tasks.</p>
    </div>
    <div id="view-stats" role="tabpanel" aria-labelledby="tab-stats" data-testid="view-stats" hidden>
      <div id="stats" data-testid="stats"></div>
      <button type="button" class="btn" data-action="refresh-stats" data-testid="refresh-stats">Refresh</button>
    </div>
  </div>
  <div class="foot">
    <button type="button" class="btn" data-action="clear-completed" data-testid="clear-completed">
      Clear all completed</button>
    <span class="spacer"></span>
    <a class="btn" data-testid="export-json" download href="#">Export JSON</a>
    <a class="btn" data-testid="export-csv" download href="#">Export CSV</a>
    <button type="button" class="btn" data-action="notifications" data-testid="enable-notifications" hidden>
      Enable notifications</button>
  </div>
</section>
<div class="toasts" part="toasts" data-testid="toasts" role="status" aria-live="polite"></div>
<button type="button" class="fab" part="button" id="fab" data-testid="fab" aria-controls="panel"
        aria-expanded="false" aria-label="Task manager" data-state="idle" data-connection="connecting">
  <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M13 2 4 14h7l-1 8 9-12h-7z"/></svg>
  <span class="badge" part="badge" data-testid="badge" aria-hidden="true" hidden>0</span>
</button>`;

let sheet = null;

/** One constructable stylesheet shared by every instance, or null where unsupported. */
export function styleSheet() {
  if (sheet === null && 'adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
  }
  return sheet;
}
