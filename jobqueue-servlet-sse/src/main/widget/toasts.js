// The toast stack: short notes beside the floating button. Success notes leave by themselves
// (hovering or focusing the stack pauses that), failures stay until closed or their task is
// dismissed, and at most three show at once: older ones collapse into "+n more".

import { el } from './dom.js';

export const TOAST_MS = 5000;
export const MAX_TOASTS = 3;

export class Toasts {
  /** onOpen(jobId): the user activated a toast about a job (or "+n more": jobId null). */
  constructor(container, onOpen, { ms = TOAST_MS, max = MAX_TOASTS } = {}) {
    this.container = container;
    this.onOpen = onOpen;
    this.ms = ms;
    this.max = max;
    this.items = []; // oldest first: {node, jobId, sticky, timer, remaining, since}
    this.paused = false;
    this.more = el('button', { type: 'button', class: 'toast-more', 'data-testid': 'toast-more', hidden: true });
    this.more.addEventListener('click', () => this.onOpen(null));
    container.append(this.more);
    const pause = () => this.pause();
    const resume = (e) => {
      if (!e.relatedTarget || !container.contains(e.relatedTarget)) {
        this.resume();
      }
    };
    container.addEventListener('mouseenter', pause);
    container.addEventListener('mouseleave', resume);
    container.addEventListener('focusin', pause);
    container.addEventListener('focusout', resume);
  }

  /** kind: completed | failed | error | info. Only failed stays until closed. */
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
    const close = el('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close notification' }, '×');
    const node = el('div', { class: 'toast', 'data-testid': 'toast', 'data-kind': kind }, text, close);
    if (jobId) {
      node.dataset.jobId = jobId;
    }
    const item = { node, jobId: jobId || null, sticky: kind === 'failed', timer: null, remaining: this.ms, since: 0 };
    close.addEventListener('click', () => this.remove(item));
    this.items.push(item);
    this.container.insertBefore(node, this.more);
    if (!item.sticky && !this.paused) {
      this.arm(item);
    }
    this.layout();
    return node;
  }

  /** The task was dismissed (or runs again): its toasts are no longer news. */
  forgetJob(jobId) {
    this.items.filter((i) => i.jobId === jobId).forEach((i) => this.remove(i));
  }

  remove(item) {
    clearTimeout(item.timer);
    const at = this.items.indexOf(item);
    if (at >= 0) {
      this.items.splice(at, 1);
      item.node.remove();
      this.layout();
    }
  }

  pause() {
    if (this.paused) {
      return;
    }
    this.paused = true;
    const now = Date.now();
    for (const item of this.items) {
      if (item.timer !== null) {
        clearTimeout(item.timer);
        item.timer = null;
        item.remaining = Math.max(0, item.remaining - (now - item.since));
      }
    }
  }

  resume() {
    if (!this.paused) {
      return;
    }
    this.paused = false;
    this.items.filter((i) => !i.sticky).forEach((i) => this.arm(i));
  }

  arm(item) {
    item.since = Date.now();
    item.timer = setTimeout(() => this.remove(item), item.remaining);
  }

  /** The newest max show; the older ones are counted in "+n more". */
  layout() {
    const hidden = Math.max(0, this.items.length - this.max);
    this.items.forEach((item, i) => {
      item.node.hidden = i < hidden;
    });
    this.more.hidden = hidden === 0;
    this.more.textContent = '+' + hidden + ' more';
    this.more.setAttribute('aria-label', hidden + ' more notifications: open the task manager');
  }
}
