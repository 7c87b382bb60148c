// Who the list leaves out and what the SPBE direction trades, from the ranking result's
// `omissions` and `spbe_tradeoff` (computed by the API; saved runs from before they existed
// have neither, and then nothing is shown).

import { el, replace } from './dom.js';
import { int, lang, num, pct, share, t } from './i18n.js';

/** The trade-off sentence of the result on screen in the page's language ('' without one). */
export function tradeoffText(ctx) {
  const tradeoff = ctx.result && ctx.result.spbe_tradeoff;
  return tradeoff ? tradeoff.text[lang()] || tradeoff.text.id : '';
}

/** `*label*` of the API's sentence as emphasis, the rest as text. */
function sentence(text) {
  return text.split('*').map((part, i) => (i % 2 ? el('em', { text: part }) : part));
}

/** The place of the trade-off beside the direction control (filled by `fillTradeoff`). */
export const tradeoffNote = () => el('p', { class: 'note tradeoff', id: 'spbe-tradeoff', 'aria-live': 'polite' });

/** Shows the trade-off of the result on screen in its place. */
export function fillTradeoff(node, ctx) {
  replace(node, sentence(tradeoffText(ctx)));
  node.hidden = !tradeoffText(ctx);
}

function omittedTable(id, rows, { children }) {
  const head = ['table.code', 'table.district', 'table.province', 'equity.stunting', children ? 'equity.children' : 'table.spbe', 'equity.why'];
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { id, class: 'omissions' },
      el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
      el(
        'tbody',
        {},
        rows.length
          ? rows.map((d) =>
              el(
                'tr',
                { dataset: { cause: d.cause } },
                el('td', { class: 'mono', text: d.code }),
                el('td', { text: d.name }),
                el('td', { text: d.province_name }),
                el('td', { class: 'num', text: pct(d.stunting_prevalence, 1) }),
                el('td', { class: 'num', text: children ? int(d.stunted_children) : num(d.spbe_index, 2) }),
                el('td', {}, el('span', { class: `cause cause-${d.cause}`, text: t(`cause.${d.cause}`) }), ' ', d.text[lang()] || d.text.id),
              ),
            )
          : el('tr', {}, el('td', { colspan: head.length, text: t('equity.none') })),
      ),
    ),
  );
}

function qualityLine(q) {
  return t('equity.quality', {
    n: int(q.selected),
    sae: int(q.sae),
    sae_share: share(q.sae_share, 0),
    se: int(q.se_defaulted),
    se_share: share(q.se_defaulted_share, 0),
    pop: int(q.population_missing),
    pop_share: share(q.population_missing_share, 0),
  });
}

function provincesLine(gaps) {
  if (!gaps.length) return t('equity.provinces_all');
  return t('equity.provinces_none', {
    n: int(gaps.length),
    list: gaps.map((p) => `${p.name} (${int(p.districts)}; ${t('equity.max')} ${pct(p.highest_stunting, 1)})`).join(', '),
  });
}

/** The section under the list: trade-off, omissions, provinces, data quality. */
export function section(ctx) {
  const o = ctx.result && ctx.result.omissions;
  if (!o) return null;
  return el(
    'section',
    { id: 'equity', class: 'equity', 'aria-labelledby': 'equity-title' },
    el('h2', { id: 'equity-title', text: t('equity.title') }),
    el('p', { class: 'tradeoff-text' }, sentence(tradeoffText(ctx))),
    el('p', { id: 'equity-provinces', text: provincesLine(o.provinces_without_selection) }),
    el('p', { id: 'equity-quality', text: qualityLine(o.data_quality) }),
    el('h3', { text: t('equity.by_prevalence') }),
    omittedTable('omitted-prevalence', o.by_prevalence, { children: false }),
    el('h3', { text: t('equity.by_children') }),
    o.by_stunted_children.length ? omittedTable('omitted-children', o.by_stunted_children, { children: true }) : el('p', { text: t('equity.no_population') }),
  );
}

/** The same for the printed document, shorter: ten of each list. */
export function printSection(ctx) {
  const o = ctx.result && ctx.result.omissions;
  if (!o) return [];
  const short = (rows) =>
    rows
      .slice(0, 10)
      .map((d) => `${d.name} (${pct(d.stunting_prevalence, 1)}; ${t(`cause.${d.cause}`)})`)
      .join(', ') || t('equity.none');
  return [
    el('h2', { text: t('equity.title') }),
    el('p', { id: 'print-tradeoff' }, sentence(tradeoffText(ctx))),
    el('p', { text: `${t('equity.by_prevalence')}: ${short(o.by_prevalence)}` }),
    o.by_stunted_children.length ? el('p', { text: `${t('equity.by_children')}: ${short(o.by_stunted_children)}` }) : null,
    el('p', { text: provincesLine(o.provinces_without_selection) }),
    el('p', { text: qualityLine(o.data_quality) }),
  ];
}
