import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { JobFeed } from '../../main/widget/job-feed.js';
import { JobStore } from '../../main/widget/job-store.js';
import { RESYNC_LIMIT } from '../../main/widget/api.js';
import { FakeApi, FakeEventSource, ManualTimers, job, recordingView } from './fakes.js';

let store;
let api;
let view;
let feed;

beforeEach(() => {
  FakeEventSource.reset();
  const timers = new ManualTimers();
  store = new JobStore();
  api = new FakeApi();
  view = recordingView();
  feed = new JobFeed({
    url: '/api/jobs/stream',
    api,
    store,
    view,
    streamOptions: { EventSource: FakeEventSource, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout },
  });
  feed.start();
});

/** Lets the resync's awaited answers settle (they are already resolved promises). */
async function settle() {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}

test('event: reset clears every job, and the state that follows rebuilds it', () => {
  const es = FakeEventSource.last();
  es.open();
  es.message(job('a', { status: 'running' }));
  es.message(job('b', { status: 'completed' }));
  es.message(job('deleted-meanwhile', { status: 'failed' }));

  es.error(false);
  es.emit('reset', { reason: 'cannot replay' });
  es.message(job('a', { status: 'completed', updated_at: '2026-12-01T10:05:00Z' }));
  es.message(job('b', { status: 'completed' }));

  assert.deepEqual(store.ids().sort(), ['a', 'b']);
  const cleared = view.calls.find((c) => c[0] === 'cleared');
  assert.deepEqual(cleared[1].sort(), ['a', 'b', 'deleted-meanwhile']);
  const clearedAt = view.calls.indexOf(cleared);
  const rebuilt = view.calls.slice(clearedAt + 1).filter((c) => c[0] === 'upserted').map((c) => c[1]);
  assert.deepEqual(rebuilt, ['a', 'b']);
  const aChange = view.calls.slice(clearedAt + 1).find((c) => c[1] === 'a')[2];
  assert.equal(aChange.ended, true, 'a job that ended while cut off still announces its end');
});

test('a reset that is the last event leaves nothing behind', () => {
  const es = FakeEventSource.last();
  es.message(job('a', { status: 'queued' }));
  es.emit('reset', {});
  assert.equal(store.size, 0);
});

test('resync after a reconnect drops finished jobs deleted meanwhile and refreshes the rest', async () => {
  const es = FakeEventSource.last();
  es.open();
  es.message(job('done-kept', { status: 'completed' }));
  es.message(job('done-deleted', { status: 'completed' }));
  es.message(job('failed-deleted', { status: 'failed' }));
  es.message(job('running', { status: 'running', progress: 0.1 }));
  api.recentAnswer = [
    job('new-active', { status: 'queued', created_at: '2026-12-01T10:09:00Z' }),
    job('running', { status: 'running', progress: 0.6, updated_at: '2026-12-01T10:01:00Z' }),
    job('done-kept', { status: 'completed' }),
    job('old-history', { status: 'failed', created_at: '2026-12-01T09:00:00Z' }),
  ];

  es.error(false);
  es.open();
  await settle();

  assert.deepEqual(api.calls, [['recent', RESYNC_LIMIT]]);
  assert.deepEqual(store.ids().sort(), ['done-kept', 'new-active', 'running']);
  assert.equal(store.get('running').progress, 0.6);
  assert.ok(view.calls.some((c) => c[0] === 'removed' && c[1] === 'done-deleted'));
  assert.ok(view.calls.some((c) => c[0] === 'removed' && c[1] === 'failed-deleted'));
  assert.ok(!store.has('old-history'), 'finished jobs this page never showed stay in the history view');
});

test('resync checks active jobs older than a full answer one by one', async () => {
  const es = FakeEventSource.last();
  es.open();
  es.message(job('old-running', { status: 'running', created_at: '2026-12-01T01:00:00Z' }));
  es.message(job('old-queued', { status: 'queued', created_at: '2026-12-01T01:00:00Z' }));
  es.message(job('old-done', { status: 'completed', created_at: '2026-12-01T01:00:00Z' }));
  api.recentAnswer = Array.from({ length: RESYNC_LIMIT }, (_, i) =>
    job('recent' + i, { status: 'completed', created_at: '2026-12-01T10:00:00Z' }));
  api.jobsById.set('old-running', job('old-running', { status: 'completed', updated_at: '2026-12-01T11:00:00Z' }));

  es.error(false);
  es.open();
  await settle();

  assert.deepEqual(api.calls.slice(1).sort(), [['get', 'old-queued'], ['get', 'old-running']]);
  assert.equal(store.get('old-running').status, 'completed');
  assert.ok(!store.has('old-queued'), '404: deleted meanwhile');
  assert.ok(store.has('old-done'), 'outside the window and finished: cannot tell, kept');
});

test('a failed resync request changes nothing', async () => {
  const es = FakeEventSource.last();
  es.open();
  es.message(job('a', { status: 'completed' }));
  api.failRecent = new Error('offline');
  es.error(false);
  es.open();
  await settle();
  assert.deepEqual(store.ids(), ['a']);
});

test('the first connect does not resync', async () => {
  FakeEventSource.last().open();
  await settle();
  assert.deepEqual(api.calls, []);
});

test('a deleted event removes the job', () => {
  const es = FakeEventSource.last();
  es.message(job('a', { status: 'completed' }));
  es.emit('deleted', { job_id: 'a' });
  assert.equal(store.size, 0);
  assert.deepEqual(view.calls.at(-1), ['removed', 'a']);
});
