import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startsIn } from '../../main/widget/delayed.js';
import { timesOf } from '../../main/widget/row-state.js';
import { job } from './fakes.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');

test('a queued job due later says when it starts', () => {
  assert.equal(startsIn(job('d', { status: 'queued', run_at: '2026-12-01T10:00:42Z' }), NOW), 'Starts in 42s');
  assert.equal(startsIn(job('d', { status: 'queued', run_at: '2026-12-01T10:03:30Z' }), NOW), 'Starts in 4 min');
  assert.equal(startsIn(job('d', { status: 'queued', run_at: '2026-12-01T12:05:00Z' }), NOW), 'Starts in 2h 05m');
});

test('a due, undelayed or running job says nothing about starting', () => {
  assert.equal(startsIn(job('d', { status: 'queued', run_at: '2026-12-01T09:59:59Z' }), NOW), '');
  assert.equal(startsIn(job('d', { status: 'queued', run_at: null }), NOW), '');
  assert.equal(startsIn(job('d', { status: 'running', run_at: '2026-12-01T11:00:00Z' }), NOW), '');
});

test('the row of a delayed job shows "Starts in" where a queued one shows its wait', () => {
  const delayed = job('d', { status: 'queued', created_at: '2026-12-01T09:59:00Z', run_at: '2026-12-01T10:04:00Z' });
  assert.equal(timesOf(delayed, NOW).elapsed, 'Starts in 4 min');
  assert.equal(timesOf({ ...delayed, run_at: null }, NOW).elapsed, 'Queued 1m 00s');
});
