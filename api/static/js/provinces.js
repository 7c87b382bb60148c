// Province summary: per province, districts in the ranking, selected, share and mean stunting.

import { el, replace } from './dom.js';
import { int, pct, share, t } from './i18n.js';

const ui = { sort: 'selected', dir: -1 };

/** Rows of the summary, from the districts on screen. */
export function summarise(districts) {
  const rows = new Map();
  for (const d of districts) {
    const r = rows.get(d.province_code) || { code: d.province_code, name: d.province_name, districts: 0, selected: 0, sum: 0 };
    r.districts += 1;
    r.sum += d.stunting_prevalence;
    if (d.selected) r.selected += 1;
    rows.set(d.province_code, r);
  }
  return [...rows.values()].map((r) => ({ ...r, share: r.selected / r.districts, mean: r.sum / r.districts }));
}

const COLUMNS = [
  ['name', 'provinces.province', false],
  ['districts', 'provinces.districts', true],
  ['selected', 'provinces.selected', true],
  ['share', 'provinces.share', true],
  ['mean', 'provinces.mean_stunting', true],
];

export function render(ctx, root) {
  const rows = summarise(ctx.result.districts).sort((a, b) => {
    const x = a[ui.sort];
    const y = b[ui.sort];
    return (typeof x === 'string' ? x.localeCompare(y) : x - y) * ui.dir || a.name.localeCompare(b.name);
  });
  const head = COLUMNS.map(([key, label, numeric]) =>
    el(
      'th',
      { scope: 'col', class: numeric ? 'num' : null, 'aria-sort': ui.sort === key ? (ui.dir > 0 ? 'ascending' : 'descending') : 'none' },
      el('button', {
        type: 'button',
        class: 'sort',
        'aria-label': t('table.sort_by', { column: t(label) }),
        text: t(label),
        on: {
          click: () => {
            ui.dir = ui.sort === key ? -ui.dir : numeric ? -1 : 1;
            ui.sort = key;
            render(ctx, root);
            root.querySelector(`th[aria-sort]:not([aria-sort=none]) button`)?.focus();
          },
        },
      }),
    ),
  );
  const body = rows.map((r) =>
    el(
      'tr',
      {},
      el('td', { text: r.name }),
      el('td', { class: 'num', text: int(r.districts) }),
      el('td', { class: 'num', text: int(r.selected) }),
      el('td', { class: 'num', text: share(r.share, 0) }),
      el('td', { class: 'num', text: pct(r.mean, 1) }),
    ),
  );
  replace(
    root,
    el('h2', { text: t('provinces.title') }),
    el('div', { class: 'table-wrap' }, el('table', { id: 'province-table' }, el('thead', {}, el('tr', {}, head)), el('tbody', {}, body))),
  );
}
