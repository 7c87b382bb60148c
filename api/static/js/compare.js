// Compare runs: pick two saved runs and see who entered, who left and who moved.

import * as api from './api.js';
import { el, replace } from './dom.js';
import { dateTime, int, t } from './i18n.js';

const picked = { from: '', to: '' };

function list(items, format) {
  return items.length ? el('ul', {}, items.map((i) => el('li', { text: format(i) }))) : el('p', { class: 'note', text: t('compare.empty') });
}

function showDiff(diff, out) {
  const moved = diff.rank_changes
    .filter((c) => c.selected_before && c.selected_after && c.change)
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
  const name = (c) => `${c.name} (${c.code})`;
  replace(
    out,
    el('p', { id: 'compare-stayed', text: t('compare.stayed', { n: int(diff.stayed) }) }),
    el(
      'div',
      { class: 'compare-grid' },
      el('div', { class: 'col entered', id: 'compare-entered' }, el('h3', { text: t('compare.entered', { n: int(diff.entered.length) }) }), list(diff.entered, (c) => `${name(c)} · #${int(c.rank_after)}`)),
      el('div', { class: 'col left', id: 'compare-left' }, el('h3', { text: t('compare.left', { n: int(diff.left.length) }) }), list(diff.left, (c) => `${name(c)} · #${int(c.rank_before)}`)),
      el(
        'div',
        { class: 'col moved', id: 'compare-moved' },
        el('h3', { text: t('compare.moved', { n: int(moved.length) }) }),
        list(moved, (c) => `${name(c)}: ${t('compare.rank_move', { before: int(c.rank_before), after: int(c.rank_after) })}`),
      ),
    ),
  );
}

export async function render(ctx, root) {
  replace(root, el('h2', { text: t('compare.title') }), el('p', { class: 'note', text: t('app.loading') }));
  let runs;
  try {
    runs = await api.rankings();
  } catch (error) {
    replace(root, el('h2', { text: t('compare.title') }), el('p', { class: 'alert', text: t('app.error', { message: error.message }) }));
    return;
  }
  if (runs.length < 2) {
    replace(root, el('h2', { text: t('compare.title') }), el('p', { class: 'note', id: 'compare-empty', text: t(runs.length ? 'compare.need_two' : 'compare.none') }));
    return;
  }
  const option = (r) => el('option', { value: String(r.id), text: t('compare.run_option', { id: r.id, date: dateTime(r.created_at), by: r.created_by }) });
  const from = el('select', { id: 'compare-from' }, runs.map(option));
  const to = el('select', { id: 'compare-to' }, runs.map(option));
  from.value = picked.from && runs.some((r) => String(r.id) === picked.from) ? picked.from : String(runs[1].id);
  to.value = picked.to && runs.some((r) => String(r.id) === picked.to) ? picked.to : String(runs[0].id);
  const out = el('div', { id: 'compare-result', 'aria-live': 'polite' });
  const go = el('button', {
    type: 'button',
    class: 'primary',
    id: 'compare-go',
    text: t('compare.go'),
    on: {
      click: async () => {
        picked.from = from.value;
        picked.to = to.value;
        try {
          showDiff(await api.diff(from.value, to.value), out);
        } catch (error) {
          replace(out, el('p', { class: 'alert', text: t('app.error', { message: error.message }) }));
        }
      },
    },
  });
  replace(
    root,
    el('h2', { text: t('compare.title') }),
    el(
      'div',
      { class: 'toolbar' },
      el('label', { class: 'field' }, el('span', { text: t('compare.from') }), from),
      el('label', { class: 'field' }, el('span', { text: t('compare.to') }), to),
      go,
    ),
    out,
  );
}
