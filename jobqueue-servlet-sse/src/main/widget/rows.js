// Task rows: builds the DOM of one task and applies the row state to it. Job text only ever
// goes in as text nodes or attributes.

import { el } from './dom.js';
import { ICONS } from './status.js';
import { previewValue, safeUrl } from './format.js';
import { actionsOf, errorLineOf, messageOf, shownPercent, timesOf } from './row-state.js';

let rowCounter = 0;

/** A row of the live view, or of the history view (history: Delete instead of Dismiss). */
export function createRow(job, history) {
  const detailsId = 'details-' + ++rowCounter;
  const title = el('span', { class: 'title', 'data-testid': 'task-title' });
  const chip = el('span', { class: 'count', 'data-testid': 'child-count', hidden: true });
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
  const row = el('li', { class: 'task', part: 'task', 'data-testid': history ? 'history-task' : 'task', 'data-job-id': job.job_id },
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

/**
 * Shows job in row. ctx: {childProgress ({done,total,extra} or null), pendingCancel, nested, baseUrl,
 * now}.
 */
export function updateRow(row, job, ctx) {
  const r = row._refs;
  row._shown = shownPercent(job, row._shown);
  const pct = row._shown.pct;
  row.dataset.status = job.status;
  row.dataset.type = job.type || '';
  row.dataset.progress = String(pct);
  row._job = job;
  const name = job.title || job.job_id;
  r.icon.textContent = ICONS[job.status] || '•';
  r.title.textContent = name;
  r.typeChip.textContent = job.type || '';
  r.fill.style.width = pct + '%';
  r.bar.setAttribute('aria-valuenow', String(pct));
  r.bar.setAttribute('aria-label', 'Progress of ' + name);
  r.bar.setAttribute('aria-valuetext', pct + '%' + (job.progress_message ? ', ' + job.progress_message : ''));
  r.percent.textContent = pct + '%';
  r.message.textContent = messageOf(job);
  r.message.hidden = !r.message.textContent;
  r.errorLine.textContent = errorLineOf(job);
  r.errorLine.hidden = !r.errorLine.textContent;

  const kids = ctx.childProgress;
  if (kids && kids.total > 0) {
    r.chip.textContent = '(' + kids.done + '/' + kids.total + ')';
    r.chip.setAttribute('aria-label', kids.done + ' of ' + kids.total + ' subtasks done' +
      (kids.extra > 0 ? ', plus ' + kids.extra + ' optional' : ''));
    r.chip.hidden = false;
  } else {
    r.chip.hidden = true;
  }

  const actions = actionsOf(job, { pendingCancel: ctx.pendingCancel, nested: ctx.nested, history: row._history });
  row.toggleAttribute('data-cancelling', actions.cancel.disabled);
  r.cancel.hidden = actions.cancel.hidden;
  r.cancel.disabled = actions.cancel.disabled;
  r.cancel.textContent = actions.cancel.text;
  r.cancel.setAttribute('aria-label', actions.cancel.label);
  r.retry.hidden = actions.retry.hidden;
  r.retry.setAttribute('aria-label', actions.retry.label);
  r.dismiss.hidden = actions.dismiss.hidden;
  r.dismiss.setAttribute('aria-label', actions.dismiss.label);
  r.toggle.setAttribute('aria-label', toggleLabel(!r.details.hidden, name));
  updateTimes(row, job, ctx.now);
  if (!r.details.hidden) {
    renderDetails(row, job, ctx.baseUrl);
  }
}

/** Refreshes the elapsed time and ETA (every second while the panel is open). */
export function updateTimes(row, job, now) {
  const r = row._refs;
  const t = timesOf(job, now);
  r.elapsed.textContent = t.elapsed;
  r.eta.textContent = t.eta;
  r.eta.hidden = !t.eta;
}

/** Opens or closes the details of row; returns whether they are open now. */
export function toggleDetails(row, job, baseUrl) {
  const r = row._refs;
  const open = r.details.hidden;
  r.details.hidden = !open;
  r.toggle.setAttribute('aria-expanded', String(open));
  r.toggle.textContent = open ? 'Hide details' : 'Details';
  r.toggle.setAttribute('aria-label', toggleLabel(open, job.title || job.job_id));
  if (open) {
    renderDetails(row, job, baseUrl);
  } else {
    r.details.replaceChildren();
  }
  return open;
}

// The accessible name starts with the visible text (WCAG 2.5.3, label in name).
function toggleLabel(open, name) {
  return (open ? 'Hide details of ' : 'Details of ') + name;
}

export function renderDetails(row, job, baseUrl) {
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
    const link = safeUrl(job.result.url || job.result.link || job.result.image_url, baseUrl);
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
    const image = safeUrl(job.result.preview_url || job.result.thumbnail_url, baseUrl);
    if (image) {
      const img = el('img', { alt: 'Result preview', 'data-testid': 'task-result-image' });
      img.src = image;
      result.append(img);
    }
    d.append(result);
  }
}

/** Puts rows into list in order, moving only rows that are out of place (keeps focus). */
export function placeRows(list, rows) {
  rows.forEach((row, i) => {
    if (list.children[i] !== row) {
      list.insertBefore(row, list.children[i] || null);
    }
  });
  while (list.children.length > rows.length) {
    list.lastElementChild.remove();
  }
}
