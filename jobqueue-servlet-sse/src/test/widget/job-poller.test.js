import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { FAILURES_BEFORE_POLLING, JobFeed } from '../../main/widget/job-feed.js';
import { POLL_LIMIT } from '../../main/widget/job-poller.js';
import { JobStore } from '../../main/widget/job-store.js';
import { FakeApi, FakeEventSource, ManualTimers, job, recordingView } from './fakes.js';

let store;
let api;
let view;
let feed;
let streamTimers;
let pollTimers;

beforeEach(() => {
  FakeEventSource.reset();
  streamTimers = new ManualTimers();
  pollTimers = new ManualTimers();
  store = new JobStore();
  api = new FakeApi();
  api.failRecent = new Error('the resync after each reopen is not what these tests look at');
  view = recordingView();
  feed = new JobFeed({
    url: '/api/jobs/stream',
    api,
    store,
    view,
    streamOptions: { EventSource: FakeEventSource, setTimeout: streamTimers.setTimeout, clearTimeout: streamTimers.clearTimeout, stableMs: 20000 },
    pollOptions: { setTimeout: pollTimers.setTimeout, clearTimeout: pollTimers.clearTimeout, intervalMs: 3000 },
  });
  feed.start();
});

async function settle() {
  for (let i = 0; i < 20; i++) {
    await Promise.resolve();
  }
}

function pollingCalls() {
  return view.calls.filter((c) => c[0] === 'polling').map((c) => c[1]);
}

/** The stream opens and is cut at once, count times (what a buffering proxy does). */
function flap(count) {
  for (let i = 0; i < count; i++) {
    const es = FakeEventSource.last();
    es.open();
    es.error(true);
    streamTimers.runAll(); // the reconnect (and any stale stability timer) fire
  }
}

test('polling starts only after repeated failures, not after one', async () => {
  FakeEventSource.last().error(false);
  assert.equal(feed.polling, false);
  flap(FAILURES_BEFORE_POLLING - 1);
  await settle();
  assert.equal(feed.polling, true);
  assert.deepEqual(pollingCalls(), [true]);
  assert.deepEqual(api.calls.find((c) => c[0] === 'active'), ['active', POLL_LIMIT]);
});

test('an open that is cut again does not count as recovered', async () => {
  flap(FAILURES_BEFORE_POLLING);
  await settle();
  assert.equal(feed.polling, true);
  flap(2);
  assert.equal(feed.polling, true, 'opening alone proves nothing');
});

test('a poll round takes active jobs, and fetches known active jobs that left the answer', async () => {
  store.upsert(job('ended', { status: 'running' }));
  store.upsert(job('deleted', { status: 'queued' }));
  store.upsert(job('old-done', { status: 'completed' }));
  api.activeAnswer = [job('new', { status: 'running' })];
  api.jobsById.set('ended', job('ended', { status: 'completed', updated_at: '2026-12-01T10:01:00Z' }));
  flap(FAILURES_BEFORE_POLLING);
  await settle();
  assert.equal(store.get('new').status, 'running');
  assert.equal(store.get('ended').status, 'completed');
  assert.equal(store.has('deleted'), false);
  assert.equal(store.get('old-done').status, 'completed');
  assert.deepEqual(api.calls.filter((c) => c[0] === 'get').map((c) => c[1]).sort(), ['deleted', 'ended']);
  const ended = view.calls.find((c) => c[0] === 'upserted' && c[1] === 'ended');
  assert.equal(ended[2].ended, true, 'an end seen by polling still notifies');
});

test('rounds repeat every interval, and a failed round does not stop them', async () => {
  flap(FAILURES_BEFORE_POLLING);
  await settle();
  assert.deepEqual(pollTimers.delays(), [3000]);
  api.failActive = new Error('offline');
  pollTimers.runAll();
  await settle();
  assert.deepEqual(pollTimers.delays(), [3000]);
  api.failActive = null;
  api.activeAnswer = [job('x', { status: 'running' })];
  pollTimers.runAll();
  await settle();
  assert.equal(store.get('x').status, 'running');
  assert.equal(api.calls.filter((c) => c[0] === 'active').length, 3);
});

test('a full answer is not used to judge the jobs it left out', async () => {
  store.upsert(job('maybe', { status: 'running' }));
  api.activeAnswer = Array.from({ length: POLL_LIMIT }, (_, i) => job('j' + i, { status: 'queued' }));
  flap(FAILURES_BEFORE_POLLING);
  await settle();
  assert.equal(api.calls.filter((c) => c[0] === 'get').length, 0);
  assert.equal(store.get('maybe').status, 'running');
});

test('the stream recovers: an event or a stream open past stableMs stops polling', async () => {
  flap(FAILURES_BEFORE_POLLING);
  await settle();
  FakeEventSource.last().open();
  FakeEventSource.last().message(job('live', { status: 'running' }));
  assert.equal(feed.polling, false);
  assert.deepEqual(pollTimers.delays(), [], 'no further rounds');
  assert.deepEqual(pollingCalls(), [true, false]);

  flap(FAILURES_BEFORE_POLLING);
  await settle();
  assert.equal(feed.polling, true);
  FakeEventSource.last().open();
  assert.deepEqual(streamTimers.delays(), [20000]);
  streamTimers.runAll(); // open for stableMs without an event: the idle stream works
  assert.equal(feed.polling, false);
  assert.deepEqual(pollingCalls(), [true, false, true, false]);
});

test('stop ends polling as well', async () => {
  flap(FAILURES_BEFORE_POLLING);
  await settle();
  feed.stop();
  assert.equal(feed.polling, false);
  assert.deepEqual(pollTimers.delays(), []);
});
