// Which finished tasks the user dismissed, kept across reloads in localStorage (per base path).

export const MAX_DISMISSED = 500;

export class Dismissals {
  /** storage: a Storage (localStorage) or null; key: where to keep the ids. */
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
    this.ids = this.load();
  }

  has(id) {
    return this.ids.has(id);
  }

  add(id) {
    this.ids.add(id);
    this.save();
  }

  /** Forgets a dismissal (the job is active again or the user opened it); returns whether it was one. */
  delete(id) {
    if (!this.ids.delete(id)) {
      return false;
    }
    this.save();
    return true;
  }

  load() {
    try {
      const raw = this.storage ? this.storage.getItem(this.key) : null;
      const ids = raw ? JSON.parse(raw) : [];
      return new Set(Array.isArray(ids) ? ids.filter((x) => typeof x === 'string') : []);
    } catch (e) {
      return new Set();
    }
  }

  save() {
    const ids = Array.from(this.ids).slice(-MAX_DISMISSED);
    try {
      if (this.storage) {
        this.storage.setItem(this.key, JSON.stringify(ids));
      }
    } catch (e) {
      // storage disabled or full: dismissals last for this page only
    }
  }
}
