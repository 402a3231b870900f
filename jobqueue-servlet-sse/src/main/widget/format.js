// Text formatting of job values. Pure functions: no DOM, no clock.

/** "42s", "3m 05s", "2h 07m"; "—" for anything that is not a duration. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return '—';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return s + 's';
  }
  if (s < 3600) {
    return Math.floor(s / 60) + 'm ' + String(s % 60).padStart(2, '0') + 's';
  }
  return Math.floor(s / 3600) + 'h ' + String(Math.floor((s % 3600) / 60)).padStart(2, '0') + 'm';
}

/** Epoch millis of an ISO timestamp, or null when absent or unparsable. */
export function time(value) {
  const t = value ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? null : t;
}

/** One result value as short text for the details list. */
export function previewValue(value) {
  if (value === null || value === undefined) {
    return '—';
  }
  if (typeof value === 'object') {
    const text = JSON.stringify(value);
    return text.length > 160 ? text.slice(0, 157) + '…' : text;
  }
  return String(value);
}

/**
 * A link target from a job result that is safe to put in href or src: http(s) only, resolved
 * against base (the page), so javascript: and data: URLs never reach the DOM.
 */
export function safeUrl(value, base) {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) {
    return null;
  }
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch (e) {
    return null;
  }
}
