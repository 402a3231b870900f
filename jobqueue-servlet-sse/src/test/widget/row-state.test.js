import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionsOf, errorLineOf, isCancelling, messageOf, percentOf, shownPercent, timesOf } from '../../main/widget/row-state.js';
import { formatDuration, safeUrl } from '../../main/widget/format.js';
import { endNotice } from '../../main/widget/notifications.js';
import { job } from './fakes.js';

// A running job another tab (or an API client) asked to cancel, as the server sends it.
const CANCEL_REQUESTED = JSON.parse(`{
  "job_id": "j-1", "type": "generate_image", "status": "running", "progress": 0.4,
  "created_at": "2026-12-01T10:00:00Z", "started_at": "2026-12-01T10:00:01Z",
  "completed_at": null, "updated_at": "2026-12-01T10:00:05Z", "title": "Render",
  "cancelable": true, "cancel_requested": true, "attempt": 1, "max_attempts": 3
}`);

test('a running job with cancel_requested shows Cancelling… with its button disabled', () => {
  const cancel = actionsOf(CANCEL_REQUESTED).cancel;
  assert.deepEqual(cancel, { hidden: false, disabled: true, text: 'Cancelling…', label: 'Cancelling Render' });
});

test('without cancel_requested the cancel button is enabled', () => {
  const cancel = actionsOf({ ...CANCEL_REQUESTED, cancel_requested: false }).cancel;
  assert.equal(cancel.disabled, false);
  assert.equal(cancel.text, 'Cancel');
});

test('a job from a server without the field reads as not cancelling', () => {
  const old = { ...CANCEL_REQUESTED };
  delete old.cancel_requested;
  assert.equal(isCancelling(old), false);
});

test('a cancel this page sent shows Cancelling… until the answer, for a queued job too', () => {
  assert.equal(actionsOf(job('q', { status: 'queued' }), { pendingCancel: true }).cancel.text, 'Cancelling…');
});

test('once the job ended, cancel_requested no longer matters and the cancel button is gone', () => {
  const ended = actionsOf({ ...CANCEL_REQUESTED, status: 'cancelled' });
  assert.equal(ended.cancel.hidden, true);
  assert.equal(ended.cancel.disabled, false);
  assert.equal(ended.retry.hidden, false);
});

test('a job that is not cancelable has no cancel button', () => {
  assert.equal(actionsOf(job('a', { status: 'running', cancelable: false })).cancel.hidden, true);
});

test('dismiss: finished top-level rows only; delete in the history view, nested rows too', () => {
  assert.equal(actionsOf(job('a', { status: 'running' })).dismiss.hidden, true);
  assert.equal(actionsOf(job('a', { status: 'failed' })).dismiss.hidden, false);
  assert.equal(actionsOf(job('a', { status: 'failed' }), { nested: true }).dismiss.hidden, true);
  const history = actionsOf(job('a', { status: 'failed' }), { nested: true, history: true }).dismiss;
  assert.deepEqual(history, { hidden: false, label: 'Delete Job a' });
});

test('percent: bounded, whole, 100 only when completed', () => {
  assert.equal(percentOf(job('a', { status: 'running', progress: 0.456 })), 45);
  assert.equal(percentOf(job('a', { status: 'running', progress: 7 })), 99);
  // a parent at 5/6 whose children are all near the end: the server says 1.0, the row says 99
  assert.equal(percentOf(job('a', { status: 'running', progress: 1 })), 99);
  assert.equal(percentOf(job('a', { status: 'failed', progress: 1 })), 99);
  assert.equal(percentOf(job('a', { status: 'running', progress: null })), 0);
  assert.equal(percentOf(job('a', { status: 'completed', progress: 0.2 })), 100);
});

test('a running bar never moves backwards within one attempt', () => {
  const first = shownPercent(job('a', { status: 'running', progress: 0.8 }), undefined);
  assert.equal(shownPercent(job('a', { status: 'running', progress: 0.3 }), first).pct, 80);
  assert.equal(shownPercent(job('a', { status: 'running', progress: 0.3, attempt: 2 }), first).pct, 30);
});

test('message and error lines', () => {
  assert.equal(messageOf(job('a', { status: 'queued' })), 'Waiting to start…');
  assert.equal(messageOf(job('a', { status: 'running', progress_message: 'Row 3' })), 'Row 3');
  assert.equal(errorLineOf(job('a', { status: 'failed', error: 'boom\n  at x' })), 'boom');
  assert.equal(errorLineOf(job('a', { status: 'running', error: 'old' })), '');
});

test('elapsed and ETA', () => {
  const now = Date.parse('2026-12-01T10:01:00Z');
  assert.deepEqual(timesOf(job('a', { status: 'queued' }), now), { elapsed: 'Queued 1m 00s', eta: '' });
  const running = job('a', { status: 'running', started_at: '2026-12-01T10:00:30Z', progress: 0.25 });
  assert.deepEqual(timesOf(running, now), { elapsed: 'Elapsed 30s', eta: 'ETA 1m 30s' });
  assert.equal(timesOf({ ...running, eta_seconds: 5 }, now).eta, 'ETA 5s');
  // a running job never reads "ETA 0s": its last child may still run
  assert.equal(timesOf({ ...running, eta_seconds: 0 }, now).eta, '');
  assert.equal(timesOf({ ...running, eta_seconds: null, progress: 0.999 }, now).eta, '');
  const done = job('a', { status: 'completed', started_at: '2026-12-01T10:00:00Z', completed_at: '2026-12-01T10:00:12Z' });
  assert.deepEqual(timesOf(done, now), { elapsed: 'Took 12s', eta: '' });
});

test('formatDuration', () => {
  assert.equal(formatDuration(-1), '—');
  assert.equal(formatDuration(59.4), '59s');
  assert.equal(formatDuration(125), '2m 05s');
  assert.equal(formatDuration(7260), '2h 01m');
});

test('safeUrl lets only http(s) through, resolved against the page', () => {
  assert.equal(safeUrl('/files/a.png', 'https://app.example/page'), 'https://app.example/files/a.png');
  assert.equal(safeUrl('javascript:alert(1)', 'https://app.example/'), null);
  assert.equal(safeUrl('data:text/html,x', 'https://app.example/'), null);
  assert.equal(safeUrl(42, 'https://app.example/'), null);
});

test('end notices: completed with summary and warnings, failed with the error, none for subtasks', () => {
  const done = job('a', { status: 'completed', title: 'Scan', result: { summary: '3 faces' }, warnings: ['w'] });
  assert.deepEqual(endNotice(done, false), { kind: 'completed', heading: 'Completed: Scan', body: '3 faces (1 warning)' });
  assert.deepEqual(endNotice(job('b', { status: 'failed', error: 'disk full' }), false),
    { kind: 'failed', heading: 'Failed: Job b', body: 'disk full' });
  assert.equal(endNotice(done, true), null);
  assert.equal(endNotice(job('c', { status: 'cancelled' }), false), null);
});
