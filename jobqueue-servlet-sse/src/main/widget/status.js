// The job statuses of DESIGN.md and how the panel groups them.

export const ACTIVE = new Set(['queued', 'running']);
export const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Panel groups in display order: [status, heading]. */
export const GROUPS = [
  ['running', 'Running'],
  ['queued', 'Queued'],
  ['completed', 'Completed'],
  ['failed', 'Failed'],
  ['cancelled', 'Cancelled'],
];

export const ICONS = { running: '⟳', queued: '⋯', completed: '✓', failed: '✕', cancelled: '⊘' };
