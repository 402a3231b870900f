// The live view grouped by job type (the "Group by type" toggle): one section per type, made
// and dropped as types come and go. Type names are job text: set as text only.

import { el } from './dom.js';
import { placeRows } from './rows.js';

export class TypeGroups {
  constructor(container) {
    this.container = container;
    this.sections = new Map(); // type -> {section, list, count}
  }

  /** Shows byType (type -> jobs, in order) with rowOf(job); returns how many rows show. */
  place(byType, rowOf) {
    let visible = 0;
    const order = [];
    for (const [type, jobs] of byType) {
      const group = this.section(type);
      placeRows(group.list, jobs.map(rowOf));
      group.count.textContent = '(' + jobs.length + ')';
      visible += jobs.length;
      order.push(group.section);
    }
    for (const [type, group] of this.sections) {
      if (!byType.has(type)) {
        group.section.remove();
        this.sections.delete(type);
      }
    }
    placeRows(this.container, order);
    return visible;
  }

  clear() {
    this.container.replaceChildren();
    this.sections.clear();
  }

  section(type) {
    let group = this.sections.get(type);
    if (!group) {
      const label = type || 'other';
      const list = el('ul', { 'aria-label': label + ' tasks' });
      const count = el('span', { class: 'n' });
      const section = el('section', { class: 'group', 'data-type-group': type, 'data-testid': 'type-group' },
        el('h3', {}, label + ' ', count), list);
      group = { section, list, count };
      this.sections.set(type, group);
    }
    return group;
  }
}
