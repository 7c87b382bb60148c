// District panel: a dialog with the district's values and their datasets, the contributions
// to its score, its margin to the cut-off and what would move it in or out of the list.

import * as api from './api.js';
import { byId, el, replace } from './dom.js';
import { int, num, pct, share, t } from './i18n.js';
import { bandBadge, committeeBadge, isForced } from './shortlist.js';
import { indicatorWord, kindWord, methodWord, regionKindWord, sourceWord } from './words.js';

const KIND_ORDER = ['stunting', 'spbe', 'covariate', 'population'];
let dialog;
let openCode = null;

export function init(ctx) {
  dialog = byId('district');
  dialog.addEventListener('close', () => {
    openCode = null;
    ctx.update({ district: '' }, { scenarioChanged: false });
  });
}

export const isOpen = () => Boolean(dialog && dialog.open);

/** The sentence of what would move the district across the cut-off, in the page's language. */
export function moveSentence(d) {
  const e = d.explanation;
  if (isForced(d)) {
    return t(d.selection_basis === 'forced_in' ? 'district.committee_in' : 'district.committee_out', { rank: int(d.data_rank) });
  }
  if (e.reason !== 'top_k' && e.reason !== 'below_cutoff') return t('district.forced', { reason: t(`reason.${e.reason}`) });
  const into = !d.selected;
  const parts = [];
  if (e.stunting_change_to_cross !== null && e.stunting_change_to_cross !== undefined) {
    // A change that rounds to 0.0 points says nothing: the district sits on the line.
    if (Math.abs(e.stunting_change_to_cross) < 0.05) parts.push(t('district.at_cutoff'));
    else parts.push(t(into ? 'district.move_in_stunting' : 'district.move_out_stunting', { points: num(Math.abs(e.stunting_change_to_cross), 1) }));
  }
  if (e.spbe_change_to_cross !== null && e.spbe_change_to_cross !== undefined) {
    parts.push(
      t(into ? 'district.move_in_spbe' : 'district.move_out_spbe', {
        points: num(Math.abs(e.spbe_change_to_cross), 2),
        direction: t(e.spbe_change_to_cross > 0 ? 'district.higher' : 'district.lower'),
      }),
    );
  }
  return parts.length ? parts.join(' ') : t('district.no_move');
}

function contributions(d) {
  const c = d.explanation.contributions;
  const max = Math.max(Math.abs(c.stunting), Math.abs(c.spbe), 1e-9);
  const bar = (cls, value) => {
    const node = el('div', { class: `bar ${cls}`, 'aria-hidden': 'true' });
    node.style.width = `${Math.max(2, (Math.abs(value) / max) * 100)}%`;
    return node;
  };
  return el(
    'div',
    { class: 'contrib' },
    el('span', { text: t('district.contribution_stunting') }),
    el('div', {}, bar('stunting', c.stunting)),
    el('span', { class: 'num', text: num(c.stunting, 3) }),
    el('span', { text: t('district.contribution_spbe') }),
    el('div', {}, bar('spbe', c.spbe)),
    el('span', { class: 'num', text: num(c.spbe, 3) }),
  );
}

function valuesTable(ctx, region) {
  const used = new Set(ctx.result.datasets.map((x) => x.id));
  const byId = new Map([...(region.datasets || []), ...ctx.result.datasets].map((x) => [x.id, x]));
  const rows = region.observations
    .filter((o) => used.has(o.dataset_id) || o.kind === 'covariate')
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))
    .map((o) => {
      const ds = byId.get(o.dataset_id);
      const label =
        o.kind === 'stunting' ? t('district.stunting') : o.kind === 'spbe' ? t('district.spbe') : o.indicator ? indicatorWord(o.indicator) : kindWord(o.kind);
      const value =
        o.kind === 'stunting'
          ? `${pct(o.value, 1)}${o.se ? ` ± ${num(o.se, 1)}` : ''}`
          : o.kind === 'spbe'
            ? `${num(o.value, 2)}${o.predicate ? ` (${o.predicate})` : ''}`
            : o.kind === 'population'
              ? int(o.value)
              : num(o.value, 2);
      return el(
        'tr',
        {},
        el('td', { text: label }),
        el('td', { class: 'num', text: value }),
        el('td', { text: `#${o.dataset_id} ${ds ? sourceWord(ds.source) : ''}${o.demo ? ` (${t('district.demo')})` : ''}` }),
        el('td', { text: o.year ?? '—' }),
        el('td', { text: methodWord(o.method) }),
      );
    });
  return el(
    'table',
    {},
    el('caption', { text: t('district.values') }),
    el(
      'thead',
      {},
      el('tr', {}, ['district.indicator', 'district.value', 'district.dataset', 'district.year', 'district.method'].map((k) => el('th', { scope: 'col', text: t(k) }))),
    ),
    el('tbody', {}, rows),
  );
}

/** Opens (or refreshes) the panel of district `code`. */
export async function open(ctx, code) {
  const d = ctx.result?.districts.find((x) => x.code === code);
  if (!d) return;
  openCode = code;
  ctx.update({ district: code }, { scenarioChanged: false });
  const e = d.explanation;
  const close = el('button', { type: 'button', class: 'secondary', text: t('district.close'), on: { click: () => dialog.close() } });
  const values = el('div', { class: 'note', text: t('app.loading') });
  const forced = isForced(d);
  const uncertainty =
    d.p_selected === undefined || forced
      ? null
      : el('p', {}, t('district.p_selected', { p: share(d.p_selected, 0), low: int(d.rank_p05), high: int(d.rank_p95) }));
  replace(
    dialog,
    el(
      'header',
      {},
      el(
        'div',
        {},
        el('h2', { id: 'district-title', text: d.name }),
        el('p', { class: 'note', text: `${d.code} · BPS ${d.bps_code} · ${regionKindWord(d.kind)} · ${d.province_name}` }),
      ),
      close,
    ),
    el(
      'p',
      {},
      el('strong', { text: `${t(d.selected ? 'selected.yes' : 'selected.no')} · ${t('district.rank', { rank: int(d.rank), total: int(ctx.result.districts.length) })}` }),
      ' ',
      forced ? committeeBadge(d) : bandBadge(d.band),
    ),
    forced ? el('p', { id: 'district-reason' }, el('strong', { text: `${t('district.reason')}: ` }), d.reason || t('district.no_reason')) : null,
    forced ? null : el('p', { class: 'note', id: 'district-data-rank', text: t('district.data_rank', { rank: int(d.data_rank) }) }),
    uncertainty,
    el('p', { class: 'sentence', id: 'district-sentence', text: moveSentence(d) }),
    el('h3', { text: t('district.contributions') }),
    contributions(d),
    el('p', { class: 'note', text: t('district.score', { score: num(d.score, 3), cutoff: num(e.cutoff_score, 3), margin: num(e.margin, 3) }) }),
    values,
  );
  if (!dialog.open) dialog.showModal();
  close.focus();
  try {
    const region = await api.region(code);
    // In its own frame: on a phone the five columns scroll sideways inside the dialog.
    if (openCode === code) replace(values, el('div', { class: 'table-wrap' }, valuesTable(ctx, region)));
  } catch (error) {
    if (openCode === code) replace(values, t('app.error', { message: error.message }));
  }
}
