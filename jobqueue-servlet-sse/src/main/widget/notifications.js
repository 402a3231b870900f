// Telling the user that a task ended: what to say, and browser notifications once allowed (the
// in-page toasts are toasts.js).

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
