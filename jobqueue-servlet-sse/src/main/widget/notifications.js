// Telling the user that a task ended: in-page toasts and, once allowed, browser notifications.

import { el } from './dom.js';

/**
 * What to say when job ended, or null when nothing is said (cancelled jobs; subtasks, which
 * report through their parent). {kind: completed|failed, heading, body}.
 */
export function endNotice(job, nested) {
  const kind = job.status === 'completed' ? 'completed' : job.status === 'failed' ? 'failed' : null;
  if (!kind || nested) {
    return null;
  }
  const heading = (kind === 'completed' ? 'Completed: ' : 'Failed: ') + (job.title || job.job_id);
  let body;
  if (kind === 'failed') {
    body = job.error || '';
  } else {
    const summary = job.result && typeof job.result.summary === 'string' ? job.result.summary : job.progress_message;
    const warnings = Array.isArray(job.warnings) ? job.warnings.length : 0;
    body = (summary || '') + (warnings > 0 ? ' (' + warnings + (warnings === 1 ? ' warning)' : ' warnings)') : '');
  }
  return { kind, heading, body };
}

/** The toast stack: at most four, failures stay 12 s, the rest 6 s. */
export class Toasts {
  /** onOpen(jobId): the user activated a toast about a job. */
  constructor(container, onOpen) {
    this.container = container;
    this.onOpen = onOpen;
  }

  show(kind, heading, body, jobId) {
    const text = el('span', { class: 'toast-text', 'data-testid': 'toast-text' }, heading,
      body ? el('span', { class: 'toast-body' }, body.length > 240 ? body.slice(0, 237) + '…' : body) : null);
    if (jobId) {
      text.dataset.jobId = jobId;
      text.setAttribute('role', 'button');
      text.setAttribute('tabindex', '0');
      text.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.onOpen(jobId);
        }
      });
    }
    const toast = el('div', { class: 'toast', 'data-testid': 'toast', 'data-kind': kind },
      text, el('button', { type: 'button', class: 'icon-btn', 'data-action': 'toast-close', 'aria-label': 'Close notification' }, '×'));
    if (jobId) {
      toast.dataset.jobId = jobId;
    }
    this.container.append(toast);
    while (this.container.children.length > 4) {
      this.container.firstElementChild.remove();
    }
    setTimeout(() => toast.remove(), kind === 'failed' || kind === 'error' ? 12000 : 6000);
  }
}

export function notificationsAskable() {
  return 'Notification' in window && Notification.permission === 'default';
}

export async function askNotifications() {
  try {
    await Notification.requestPermission();
  } catch (e) {
    // denied or unsupported
  }
}

/** A system notification, when the user allowed them. */
export function notifyBrowser(heading, body, jobId) {
  if ('Notification' in window && Notification.permission === 'granted') {
    try {
      new Notification(heading, { body: body.slice(0, 300), tag: jobId });
    } catch (e) {
      // some browsers only allow notifications from a service worker
    }
  }
}
