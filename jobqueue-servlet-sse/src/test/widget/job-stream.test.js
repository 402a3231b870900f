import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { JobStream } from '../../main/widget/job-stream.js';
import { FakeEventSource, ManualTimers, job } from './fakes.js';

let timers;
let calls;
let warnings;

function stream() {
  const handlers = {};
  for (const name of ['job', 'deleted', 'reset', 'connection', 'reconnected']) {
    handlers[name] = (...args) => calls.push([name, ...args]);
  }
  const s = new JobStream('/api/jobs/stream', handlers, {
    EventSource: FakeEventSource,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    log: (...args) => warnings.push(args),
  });
  s.start();
  return s;
}

beforeEach(() => {
  FakeEventSource.reset();
  timers = new ManualTimers();
  calls = [];
  warnings = [];
});

test('connects to the stream URL and passes job snapshots on', () => {
  stream();
  const es = FakeEventSource.last();
  assert.equal(es.url, '/api/jobs/stream');
  es.open();
  es.message(job('a', { status: 'running' }));
  assert.deepEqual(calls.map((c) => c[0]), ['connection', 'job']);
  assert.equal(calls[0][1], true);
  assert.equal(calls[1][1].job_id, 'a');
});

test('a malformed or id-less message is ignored with a warning', () => {
  stream();
  const es = FakeEventSource.last();
  es.open();
  es.message('{not json');
  es.message({ status: 'running' });
  assert.deepEqual(calls.map((c) => c[0]), ['connection']);
  assert.equal(warnings.length, 1);
});

test('event: deleted passes the job id on', () => {
  stream();
  FakeEventSource.last().emit('deleted', { job_id: 'gone' });
  assert.deepEqual(calls, [['deleted', 'gone']]);
});

test('event: reset is passed on with its reason, before the state that follows it', () => {
  stream();
  const es = FakeEventSource.last();
  es.open();
  es.emit('reset', { reason: 'events since 42 are no longer buffered' });
  es.message(job('a'));
  assert.deepEqual(calls.slice(1).map((c) => c[0]), ['reset', 'job']);
  assert.equal(calls[1][1], 'events since 42 are no longer buffered');
});

test('the first open is not a reconnect; an open after an error is, once', () => {
  stream();
  const es = FakeEventSource.last();
  es.open();
  es.error(false); // the browser retries by itself
  es.error(false);
  es.open();
  assert.deepEqual(calls, [['connection', true], ['connection', false], ['connection', true], ['reconnected']]);
  assert.equal(FakeEventSource.instances.length, 1, 'the browser retry reuses the same EventSource');
  assert.deepEqual(timers.delays(), [20000], 'no reconnect timer, only the check that the open stream stays');
});

test('when the browser gives up, a new EventSource follows with doubling backoff up to 30 s', () => {
  stream();
  const delays = [];
  for (let i = 0; i < 7; i++) {
    FakeEventSource.last().error(true);
    delays.push(...timers.delays());
    timers.runAll();
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(FakeEventSource.instances.length, 8);
  assert.ok(FakeEventSource.instances.slice(0, -1).every((es) => es.closed));
});

test('a successful open resets the backoff', () => {
  stream();
  FakeEventSource.last().error(true);
  timers.runAll();
  FakeEventSource.last().error(true);
  assert.deepEqual(timers.delays(), [2000]);
  timers.runAll();
  FakeEventSource.last().open();
  FakeEventSource.last().error(true);
  assert.deepEqual(timers.delays(), [1000]);
});

test('an EventSource that cannot even be built counts as a failed attempt', () => {
  let attempts = 0;
  class Throwing {
    constructor() {
      attempts++;
      throw new Error('blocked');
    }
  }
  const s = new JobStream('/x', { connection: (c) => calls.push(['connection', c]) }, {
    EventSource: Throwing, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout,
  });
  s.start();
  assert.deepEqual(calls, [['connection', false]]);
  assert.deepEqual(timers.delays(), [1000]);
  timers.runAll();
  assert.equal(attempts, 2);
});

test('stop closes the source and no reconnect follows', () => {
  const s = stream();
  const es = FakeEventSource.last();
  es.error(true);
  s.stop();
  assert.equal(es.closed, true);
  assert.deepEqual(timers.delays(), []);
  es.error(true); // late events of the stopped source change nothing
  assert.deepEqual(timers.delays(), []);
  assert.equal(FakeEventSource.instances.length, 1);
});
