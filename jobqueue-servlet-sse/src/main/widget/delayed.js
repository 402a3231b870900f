// Delayed jobs (run_at in the future): what a queued row says instead of how long it has waited.

import { time } from './format.js';

/** "Starts in 42s", "Starts in 4 min", "Starts in 2h 05m"; '' unless a queued job is not due. */
export function startsIn(job, now) {
  const due = job.status === 'queued' ? time(job.run_at) : null;
  if (due === null || due <= now) {
    return '';
  }
  const s = Math.ceil((due - now) / 1000);
  if (s < 60) {
    return 'Starts in ' + s + 's';
  }
  if (s < 3600) {
    return 'Starts in ' + Math.ceil(s / 60) + ' min';
  }
  const m = Math.ceil(s / 60);
  return 'Starts in ' + Math.floor(m / 60) + 'h ' + String(m % 60).padStart(2, '0') + 'm';
}
