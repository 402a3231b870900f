import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobStore } from '../../main/widget/job-store.js';
import { job } from './fakes.js';

const nothingHidden = () => false;

test('upsert keeps the newest snapshot and refuses an older one', () => {
  const store = new JobStore();
  assert.ok(store.upsert(job('a', { status: 'running', updated_at: '2026-12-01T10:00:05Z' })));
  const stale = store.upsert(job('a', { status: 'queued', updated_at: '2026-12-01T10:00:01Z' }));
  assert.equal(stale, null);
  assert.equal(store.get('a').status, 'running');
});

test('upsert ignores values that are not jobs', () => {
  const store = new JobStore();
  assert.equal(store.upsert(null), null);
  assert.equal(store.upsert({ status: 'running' }), null);
  assert.equal(store.size, 0);
});

test('the end of a job seen active is reported exactly once', () => {
  const store = new JobStore();
  store.upsert(job('a', { status: 'running' }));
  const end = store.upsert(job('a', { status: 'completed', updated_at: '2026-12-01T10:00:09Z' }));
  assert.equal(end.ended, true);
  const again = store.upsert(job('a', { status: 'completed', updated_at: '2026-12-01T10:00:10Z' }));
  assert.equal(again.ended, false);
});

test('a job first seen finished does not report an end', () => {
  const store = new JobStore();
  assert.equal(store.upsert(job('a', { status: 'failed' })).ended, false);
});

test('clear forgets every job but remembers which were active, so their ends still notify', () => {
  const store = new JobStore();
  store.upsert(job('a', { status: 'running' }));
  store.upsert(job('b', { status: 'completed' }));
  assert.deepEqual(store.clear().sort(), ['a', 'b']);
  assert.equal(store.size, 0);
  const rebuilt = store.upsert(job('a', { status: 'completed', updated_at: '2026-12-01T10:01:00Z' }));
  assert.equal(rebuilt.ended, true);
});

test('a pending cancel lasts until the status moves', () => {
  const store = new JobStore();
  store.upsert(job('a', { status: 'running' }));
  store.markCancelPending('a', true);
  store.upsert(job('a', { status: 'running', progress: 0.5, updated_at: '2026-12-01T10:00:02Z' }));
  assert.equal(store.isCancelPending('a'), true);
  store.upsert(job('a', { status: 'cancelled', updated_at: '2026-12-01T10:00:03Z' }));
  assert.equal(store.isCancelPending('a'), false);
});

test('children nest under a known parent and count towards its chip', () => {
  const store = new JobStore();
  store.upsert(job('p', { status: 'running', child_job_ids: ['c1', 'c2', 'c3'] }));
  store.upsert(job('c1', { parent_job_id: 'p', status: 'completed' }));
  store.upsert(job('c2', { parent_job_id: 'p', status: 'running' }));
  store.upsert(job('orphan', { parent_job_id: 'unknown' }));
  assert.deepEqual(store.topLevel().map((j) => j.job_id).sort(), ['orphan', 'p']);
  assert.deepEqual(store.childProgress(store.get('p')), { done: 1, total: 3, extra: 0 });
  assert.equal(store.hasMissingChildren(store.get('p')), true);
  assert.equal(store.missingParent(store.get('orphan')), 'unknown');
  assert.equal(store.missingParent(store.get('c1')), null);
});

test('the count leaves optional children (previews) out, like the seed\'s "(3/6)"', () => {
  const store = new JobStore();
  store.upsert(job('p', { status: 'running', child_job_ids: ['a1', 'a2', 't1', 'a3'] }));
  store.upsert(job('a1', { parent_job_id: 'p', status: 'completed' }));
  store.upsert(job('a2', { parent_job_id: 'p', status: 'completed' }));
  store.upsert(job('t1', { parent_job_id: 'p', status: 'running', optional: true, type: 'generate_thumbnail' }));
  assert.deepEqual(store.childProgress(store.get('p')), { done: 2, total: 3, extra: 1 }, 'a3 not loaded yet: required');
  store.upsert(job('a3', { parent_job_id: 'p', status: 'failed' }));
  assert.deepEqual(store.childProgress(store.get('p')), { done: 3, total: 3, extra: 1 });
});

test('filters match a parent through its subtasks', () => {
  const store = new JobStore();
  store.upsert(job('p', { type: 'comprehensive_analyze', title: 'Full analysis', child_job_ids: ['c'] }));
  store.upsert(job('c', { type: 'generate_thumbnail', title: 'Thumbnail', parent_job_id: 'p' }));
  const p = store.get('p');
  assert.equal(store.matches(p, { text: 'thumb', status: '', type: '' }), true);
  assert.equal(store.matches(p, { text: '', status: '', type: 'generate_thumbnail' }), true);
  assert.equal(store.matches(p, { text: 'nothing', status: '', type: '' }), false);
  assert.equal(store.matches(p, { text: '', status: 'running', type: '' }), false);
});

test('groups: running by start, queued by priority then age, finished newest first, hidden left out', () => {
  const store = new JobStore();
  store.upsert(job('r2', { status: 'running', started_at: '2026-12-01T10:00:02Z' }));
  store.upsert(job('r1', { status: 'running', started_at: '2026-12-01T10:00:01Z' }));
  store.upsert(job('q-low', { status: 'queued', priority: 0, created_at: '2026-12-01T09:00:00Z' }));
  store.upsert(job('q-high', { status: 'queued', priority: 5, created_at: '2026-12-01T10:00:00Z' }));
  store.upsert(job('done-old', { status: 'completed', completed_at: '2026-12-01T10:00:01Z' }));
  store.upsert(job('done-new', { status: 'completed', completed_at: '2026-12-01T10:00:09Z' }));
  store.upsert(job('dismissed', { status: 'failed' }));
  const groups = store.groups({ text: '', status: '', type: '' }, (j) => j.job_id === 'dismissed');
  const ids = (s) => groups.get(s).map((j) => j.job_id);
  assert.deepEqual(ids('running'), ['r1', 'r2']);
  assert.deepEqual(ids('queued'), ['q-high', 'q-low']);
  assert.deepEqual(ids('completed'), ['done-new', 'done-old']);
  assert.deepEqual(ids('failed'), []);
});

test('badge counts active top-level jobs and takes the colour of the most urgent state', () => {
  const store = new JobStore();
  assert.deepEqual(store.badge(nothingHidden), { state: 'idle', active: 0 });
  store.upsert(job('f', { status: 'failed' }));
  assert.deepEqual(store.badge(nothingHidden), { state: 'failed', active: 0 });
  assert.deepEqual(store.badge(() => true), { state: 'idle', active: 0 });
  store.upsert(job('q', { status: 'queued' }));
  assert.deepEqual(store.badge(nothingHidden), { state: 'queued', active: 1 });
  store.upsert(job('r', { status: 'running' }));
  assert.deepEqual(store.badge(nothingHidden), { state: 'running', active: 2 });
});

test('prunable drops only hidden finished jobs, down to 90 % of the bound', () => {
  const store = new JobStore({ maxJobs: 10 });
  for (let i = 0; i < 11; i++) {
    store.upsert(job('done' + i, { status: 'completed' }));
  }
  store.upsert(job('active', { status: 'running' }));
  assert.deepEqual(store.prunable(nothingHidden), []);
  const pruned = store.prunable(() => true);
  assert.equal(pruned.length, 3); // 12 known, down to 9
  assert.ok(!pruned.includes('active'));
});

test('reconcile: a complete answer drops every known job it lacks, finished ones too', () => {
  const store = new JobStore();
  store.upsert(job('kept', { status: 'completed' }));
  store.upsert(job('deleted-done', { status: 'completed' }));
  store.upsert(job('deleted-failed', { status: 'failed' }));
  store.upsert(job('deleted-running', { status: 'running' }));
  const answer = [job('kept', { status: 'completed' })];
  const { gone, check } = store.reconcile(answer, 1000, store.ids());
  assert.deepEqual(gone.sort(), ['deleted-done', 'deleted-failed', 'deleted-running']);
  assert.deepEqual(check, []);
});

test('reconcile: a full answer vouches only for its window; older active jobs are checked', () => {
  const store = new JobStore();
  store.upsert(job('new-deleted', { status: 'completed', created_at: '2026-12-01T12:00:00Z' }));
  store.upsert(job('old-running', { status: 'running', created_at: '2026-12-01T08:00:00Z' }));
  store.upsert(job('old-done', { status: 'completed', created_at: '2026-12-01T08:00:00Z' }));
  const answer = [
    job('x', { created_at: '2026-12-01T13:00:00Z' }),
    job('y', { created_at: '2026-12-01T11:00:00Z' }),
  ];
  const { gone, check } = store.reconcile(answer, 2, store.ids());
  assert.deepEqual(gone, ['new-deleted']);
  assert.deepEqual(check, ['old-running']);
});

test('reconcile never judges a job the stream delivered after the request was sent', () => {
  const store = new JobStore();
  store.upsert(job('before', { status: 'completed' }));
  const knownBefore = store.ids();
  store.upsert(job('arrived-later', { status: 'queued' }));
  const { gone } = store.reconcile([job('before', { status: 'completed' })], 1000, knownBefore);
  assert.deepEqual(gone, []);
});
