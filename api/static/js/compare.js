// Compare runs: pick two saved runs and see which parameters differ, who entered, who left and
// who moved, and what that does to the coverage and to each province.

import * as api from './api.js';
import { el, replace } from './dom.js';
import { codeOf } from './state.js';
import { dateTime, int, num, pct, t } from './i18n.js';

const picked = { from: '', to: '' };

/** The label of a parameter path of a run's `params`; unknown paths show as they are. */
const PARAM_LABELS = {
  method: 'scenario.method',
  'weights.stunting': 'scenario.weight_stunting',
  'weights.spbe': 'scenario.weight_spbe',
  normalisation: 'scenario.normalisation',
  spbe_direction: 'scenario.direction',
  k: 'scenario.k',
  'constraints.min_spbe': 'scenario.min_spbe',
  'constraints.max_per_province': 'scenario.max_per_province',
  'constraints.min_per_province': 'scenario.min_per_province',
  'constraints.include': 'scenario.include',
  'constraints.exclude': 'scenario.exclude',
  'uncertainty.draws': 'scenario.draws',
  'uncertainty.seed': 'scenario.seed',
  stunting_year: 'scenario.stunting_year',
  spbe_year: 'scenario.spbe_year',
};

/** Words for the values of the parameters that have them. */
const VALUE_PREFIX = { method: 'method', normalisation: 'norm', spbe_direction: 'dir' };

function paramValue(parameter, value) {
  if (value === null || value === undefined) return t('scenario.none');
  if (Array.isArray(value)) return value.length ? value.map(codeOf).join(', ') : t('scenario.none');
  if (VALUE_PREFIX[parameter]) return t(`${VALUE_PREFIX[parameter]}.${value}`);
  if (typeof value === 'number') return Number.isInteger(value) && !parameter.startsWith('weights.') ? String(value) : num(value, 2);
  return String(value);
}

const signed = (n, text) => (n > 0 ? `+${text}` : n < 0 ? `−${text.replace(/^-/, '')}` : text);

function paramsTable(diff) {
  const changed = diff.params_changed || [];
  if (!changed.length) return el('p', { class: 'note', id: 'compare-params', text: t('compare.params_same') });
  return el(
    'table',
    { id: 'compare-params' },
    el('caption', { text: t('compare.params', { n: int(changed.length) }) }),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col', text: t('compare.parameter') }),
        el('th', { scope: 'col', text: `#${diff.from.id}` }),
        el('th', { scope: 'col', text: `#${diff.to.id}` }),
      ),
    ),
    el(
      'tbody',
      {},
      changed.map((p) =>
        el(
          'tr',
          { dataset: { parameter: p.parameter } },
          el('th', { scope: 'row', text: PARAM_LABELS[p.parameter] ? t(PARAM_LABELS[p.parameter]) : p.parameter }),
          el('td', { text: paramValue(p.parameter, p.before) }),
          el('td', { text: paramValue(p.parameter, p.after) }),
        ),
      ),
    ),
  );
}

function coverageLine(diff) {
  const c = diff.coverage;
  if (!c || c.stunted_children_before === null || c.stunted_children_after === null) {
    return el('p', { class: 'note', id: 'compare-coverage', text: t('compare.no_coverage') });
  }
  const children = c.stunted_children_after - c.stunted_children_before;
  const points = (c.share_after - c.share_before) * 100;
  return el('p', {
    id: 'compare-coverage',
    text: t('compare.coverage', {
      before: int(c.stunted_children_before),
      after: int(c.stunted_children_after),
      change: signed(Math.round(children), int(Math.abs(children))),
      share_before: pct(c.share_before * 100, 1),
      share_after: pct(c.share_after * 100, 1),
      points: signed(Math.round(points * 10), num(Math.abs(points), 1)),
    }),
  });
}

function provincesTable(diff) {
  const all = diff.provinces || [];
  const changed = all.filter((p) => p.change !== 0);
  if (!changed.length) return el('p', { class: 'note', id: 'compare-provinces', text: t('compare.provinces_same') });
  return el(
    'table',
    { id: 'compare-provinces' },
    el('caption', { text: t('compare.provinces', { n: int(changed.length), same: int(all.length - changed.length) }) }),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col', text: t('table.province') }),
        el('th', { scope: 'col', class: 'num', text: `#${diff.from.id}` }),
        el('th', { scope: 'col', class: 'num', text: `#${diff.to.id}` }),
        el('th', { scope: 'col', class: 'num', text: t('compare.change') }),
      ),
    ),
    el(
      'tbody',
      {},
      changed.map((p) =>
        el(
          'tr',
          { dataset: { province: p.province_code } },
          el('th', { scope: 'row', text: p.province_name }),
          el('td', { class: 'num', text: int(p.selected_before) }),
          el('td', { class: 'num', text: int(p.selected_after) }),
          el('td', { class: 'num', text: `${p.change > 0 ? '▲' : '▼'} ${signed(p.change, int(Math.abs(p.change)))}` }),
        ),
      ),
    ),
  );
}

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
    el('h3', { text: t('compare.scenario') }),
    paramsTable(diff),
    el('h3', { text: t('compare.effect') }),
    coverageLine(diff),
    provincesTable(diff),
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
    replace(root, el('h2', { text: t('compare.title') }), el('p', { class: 'alert', role: 'alert', text: t('fail.runs', { message: error.message }) }));
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
          replace(out, el('p', { class: 'alert', role: 'alert', text: t('fail.compare', { message: error.message }) }));
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
