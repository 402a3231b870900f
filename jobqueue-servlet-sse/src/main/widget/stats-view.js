// The statistics view: what GET {base}/stats answers, as tables. Type names are job text: set as
// text only.

import { el } from './dom.js';

const STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'];

/** Seconds for people: "0.42 s" below 10 s, else whole seconds or minutes. */
export function formatSeconds(s) {
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
    return '—';
  }
  if (s < 10) {
    return s.toFixed(2) + ' s';
  }
  if (s < 600) {
    return Math.round(s) + ' s';
  }
  return (s / 60).toFixed(1) + ' min';
}

function cell(tag, text, testId) {
  return el(tag, testId ? { 'data-testid': testId } : {}, String(text));
}

/** Replaces container's content with stats (the JSON of GET {base}/stats). */
export function renderStats(container, stats) {
  const byStatus = stats.by_status || {};
  const totals = el('table', { class: 'stats', 'data-testid': 'stats-status' },
    el('caption', {}, 'Tasks by status'),
    el('thead', {}, el('tr', {}, ...STATUSES.map((s) => el('th', { scope: 'col' }, s)), el('th', { scope: 'col' }, 'total'))),
    el('tbody', {}, el('tr', {}, ...STATUSES.map((s) => cell('td', byStatus[s] || 0, 'stats-' + s)),
      cell('td', stats.total || 0, 'stats-total'))));

  const types = Object.entries(stats.by_type || {}).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const byType = el('table', { class: 'stats', 'data-testid': 'stats-types' },
    el('caption', {}, 'Tasks by type'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'type'), ...STATUSES.map((s) => el('th', { scope: 'col' }, s)))),
    el('tbody', {}, ...types.map(([type, counts]) => el('tr', { 'data-type': type },
      el('th', { scope: 'row' }, type), ...STATUSES.map((s) => cell('td', counts[s] || 0))))));

  const d = stats.durations || {};
  const row = (label, x, id) => el('tr', {}, el('th', { scope: 'row' }, label),
    cell('td', formatSeconds(x && x.mean), id + '-mean'), cell('td', formatSeconds(x && x.p50), id + '-p50'),
    cell('td', formatSeconds(x && x.p95), id + '-p95'));
  const durations = el('table', { class: 'stats', 'data-testid': 'stats-durations' },
    el('caption', {}, 'Durations of the last ' + (d.sample_size || 0) + ' finished tasks'),
    el('thead', {}, el('tr', {}, el('td', {}), el('th', { scope: 'col' }, 'mean'), el('th', { scope: 'col' }, 'p50'), el('th', { scope: 'col' }, 'p95'))),
    el('tbody', {}, row('run time', d.run_seconds, 'stats-run'), row('wait time', d.wait_seconds, 'stats-wait')));

  const t = stats.throughput || {};
  const perMinute = typeof t.completed_per_minute === 'number' ? t.completed_per_minute.toFixed(1) : '0';
  const throughput = el('p', { class: 'stats-line', 'data-testid': 'stats-throughput' },
    'Throughput: ' + (t.completed_last_minute || 0) + ' finished in the last minute, ' + perMinute + ' per minute over 15 minutes');
  container.replaceChildren(totals, byType, durations, throughput);
}
