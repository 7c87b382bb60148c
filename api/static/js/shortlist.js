// Shortlist table and the one-line summary above it: sortable by every column, filtered by
// province and text, the selected districts by default or all joined districts on request.

import * as api from './api.js';
import { el, replace } from './dom.js';
import { int, num, pct, share, t } from './i18n.js';
import { apiQuery } from './state.js';
import { section as equitySection } from './equity.js';

const BAND_ORDER = { certain_in: 0, contested: 1, certain_out: 2 };
const BAND_MARK = { certain_in: '●', contested: '◐', certain_out: '○' };
const ui = { sort: 'rank', dir: 1, province: '', text: '' };

/** The certainty band as colour, symbol and words (colour is never the only signal). */
export function bandBadge(band) {
  if (!band) return el('span', { class: 'band band-none', text: t('band.none') });
  return el('span', { class: `band band-${band}` }, el('span', { 'aria-hidden': 'true', text: BAND_MARK[band] }), t(`band.${band}`));
}

/** True for a district the committee forced in or out: its place was decided, not scored. */
export const isForced = (d) => d.selection_basis === 'forced_in' || d.selection_basis === 'forced_out';

/** The committee-decision badge with the district's rank on data alone. */
export function committeeBadge(d) {
  return el(
    'span',
    { class: `band band-committee ${d.selection_basis}`, title: d.reason || '' },
    el('span', { 'aria-hidden': 'true', text: '◆' }),
    t('band.committee'),
    el('small', { class: 'data-rank', text: ` · ${t('table.data_rank', { rank: int(d.data_rank) })}` }),
  );
}

const COLUMNS = [
  { key: 'rank', label: 'table.rank', num: true, value: (d) => d.rank },
  { key: 'code', label: 'table.code', value: (d) => d.code },
  { key: 'name', label: 'table.district', value: (d) => d.name },
  { key: 'province', label: 'table.province', value: (d) => d.province_name },
  { key: 'stunting', label: 'table.stunting', num: true, value: (d) => d.stunting_prevalence },
  { key: 'spbe', label: 'table.spbe', num: true, value: (d) => d.spbe_index },
  { key: 'score', label: 'table.score', num: true, value: (d) => d.score },
  { key: 'p', label: 'table.p_selected', num: true, value: (d) => d.p_selected ?? -1 },
  { key: 'interval', label: 'table.interval', num: true, value: (d) => d.rank_median ?? d.rank },
  { key: 'band', label: 'table.band', value: (d) => BAND_ORDER[d.band] ?? 3 },
];

/** Districts per band, and committee decisions (whose place was decided, so they have none). */
export function bandCounts(districts) {
  const counts = { certain_in: 0, contested: 0, certain_out: 0, committee: 0 };
  for (const d of districts) {
    if (isForced(d)) counts.committee += 1;
    else if (d.band) counts[d.band] += 1;
  }
  return counts;
}

/** "55 stabil masuk, 45 di ambang batas": the groups in `always`, and any other that occurs. */
function bandParts(counts, always) {
  return ['certain_in', 'contested', 'certain_out', 'committee']
    .filter((b) => always.includes(b) || counts[b] > 0)
    .map((b) => t(`summary.part.${b}`, { n: int(counts[b]) }))
    .join(', ');
}

/** The selected districts by band: "Dari 100 lokus terpilih: 55 stabil masuk, 45 di ambang batas". */
export function selectedLine(r) {
  const selected = r.districts.filter((d) => d.selected);
  return t('summary.bands', { selected: int(selected.length), parts: bandParts(bandCounts(selected), ['certain_in', 'contested']) });
}

/** The bands' thresholds as the API reports them, and what the probability and rank range mean. */
export function bandLegend(r, id = 'band-legend') {
  const u = r.uncertainty;
  const th = u && u.band_thresholds;
  if (!th) return null;
  const p = (x) => num(x, 2);
  return el(
    'div',
    { class: 'sub band-legend', id },
    el('strong', { text: `${t('legend.title')}: ` }),
    bandBadge('certain_in'),
    `: ${t('legend.certain_in', { p: p(th.certain_in_min) })} · `,
    bandBadge('contested'),
    `: ${t('legend.contested', { out: p(th.certain_out_max), in: p(th.certain_in_min) })} · `,
    bandBadge('certain_out'),
    `: ${t('legend.certain_out', { p: p(th.certain_out_max) })}. `,
    `${t('legend.probability', { draws: int(u.draws_used) })} ${t('legend.interval')}`,
  );
}

// Shares and prevalences may come as fractions or as percentages; show both as %.
const asPct = (x) => (x === null || x === undefined ? null : Math.abs(x) <= 1 ? x * 100 : x);

/** The summary: the selected districts by band on their own line, the other districts apart,
 * the legend of the bands, and coverage/projection once the API reports them. */
export function renderSummary(ctx, root) {
  const r = ctx.result;
  const selected = r.districts.filter((d) => d.selected);
  const others = r.districts.filter((d) => !d.selected);
  const hasBands = r.districts.some((d) => d.band);
  const lines = hasBands
    ? [
        el('div', { class: 'line', id: 'summary-line', text: selectedLine(r) }),
        others.length
          ? el('div', {
              class: 'sub',
              id: 'summary-others',
              text: t('summary.others', { n: int(others.length), parts: bandParts(bandCounts(others), ['contested', 'certain_out']) }),
            })
          : null,
        bandLegend(r),
      ]
    : [el('div', { class: 'line', id: 'summary-line', text: t('summary.no_bands', { selected: int(selected.length) }) })];
  const cov = r.coverage;
  if (cov && cov.stunted_children !== undefined) {
    const withRange = cov.share_p05 !== undefined && cov.share_p05 !== null;
    lines.push(
      el('div', {
        class: 'sub',
        id: 'summary-coverage',
        text: t(withRange ? 'summary.coverage_range' : 'summary.coverage', {
          children: int(cov.stunted_children),
          share: pct(asPct(cov.share), 1),
          low: pct(asPct(cov.share_p05), 1),
          high: pct(asPct(cov.share_p95), 1),
        }),
      }),
    );
  }
  const proj = r.projection;
  if (proj && proj.national_prevalence_after !== undefined) {
    lines.push(
      el('div', {
        class: 'sub',
        id: 'summary-projection',
        text: t('summary.projection', {
          now: pct(asPct(proj.national_prevalence_now), 1),
          after: pct(asPct(proj.national_prevalence_after), 1),
          target: pct(asPct(proj.target ?? 14), 1),
        }),
      }),
    );
  }
  lines.push(changeLine(ctx));
  lines.push(el('div', { class: 'sub mono', text: `${t('summary.fingerprint')}: ${r.fingerprint.slice(0, 16)}…` }));
  replace(root, ...lines);
}

/** '+N / −N dibanding sebelumnya', with who left (they are no longer in the list). */
function changeLine(ctx) {
  const c = ctx.change;
  if (!c) return null;
  const line = el(
    'div',
    { class: 'sub change-line', id: 'summary-change' },
    el('span', { class: 'change-entered', text: `▲ +${int(c.entered.size)}` }),
    ' / ',
    el('span', { class: 'change-left', text: `▼ −${int(c.left.length)}` }),
    ` ${t('change.against_previous')}`,
  );
  if (!c.left.length) return line;
  return el(
    'div',
    {},
    line,
    el(
      'details',
      { class: 'change-left-list', id: 'summary-left' },
      el('summary', { text: t('change.left_list', { n: int(c.left.length) }) }),
      el('ul', {}, c.left.map((d) => el('li', { dataset: { code: d.code }, text: `${d.name} (${d.code}) · ${d.province_name}` }))),
    ),
  );
}

/** ▲ on a district that entered the selection with the last change, ▼ on one that left. */
function changeMark(ctx, d) {
  const c = ctx.change;
  if (!c) return null;
  const kind = c.entered.has(d.code) ? 'entered' : c.left.some((x) => x.code === d.code) ? 'left' : null;
  if (!kind) return null;
  return el(
    'span',
    { class: `change-mark change-${kind}`, title: t(`change.${kind}`) },
    el('span', { 'aria-hidden': 'true', text: kind === 'entered' ? '▲' : '▼' }),
    el('span', { class: 'sr-only', text: t(`change.${kind}`) }),
  );
}

function header(ctx, col, rerender) {
  const sorted = ui.sort === col.key;
  return el(
    'th',
    { scope: 'col', class: col.num ? 'num' : null, 'aria-sort': sorted ? (ui.dir > 0 ? 'ascending' : 'descending') : 'none' },
    el('button', {
      type: 'button',
      class: 'sort',
      'aria-label': t('table.sort_by', { column: t(col.label) }),
      text: t(col.label),
      on: {
        click: () => {
          ui.dir = sorted ? -ui.dir : 1;
          ui.sort = col.key;
          rerender(true);
        },
      },
    }),
  );
}

function row(ctx, d) {
  const se = d.stunting_se === null || d.stunting_se === undefined ? null : el('span', { class: 'se' }, ` ± ${num(d.stunting_se, 1)}`);
  const p = d.p_selected;
  const forced = isForced(d);
  const pCell =
    p === undefined || forced
      ? t('band.none')
      : el(
          'span',
          { class: 'pbar' },
          el('span', { class: 'track', 'aria-hidden': 'true' }, el('span', { class: 'fill', dataset: { p: String(p) } })),
          num(p, 2),
        );
  const interval = d.rank_p05 === undefined || forced ? t('band.none') : `${int(d.rank_p05)}–${int(d.rank_p95)}`;
  return el(
    'tr',
    { class: d.selected ? 'is-selected' : 'not-selected', dataset: { code: d.code } },
    el('td', { class: 'num' }, changeMark(ctx, d), int(d.rank)),
    el('td', { class: 'mono', text: d.code }),
    el(
      'td',
      { class: 'name' },
      el('button', {
        type: 'button',
        class: 'link',
        'aria-label': t('table.open_district', { name: d.name }),
        text: d.name,
        on: { click: () => ctx.openDistrict(d.code) },
      }),
    ),
    el('td', { text: d.province_name }),
    el(
      'td',
      { class: 'num' },
      num(d.stunting_prevalence, 1),
      se,
      // A small-area estimate is model-based: flagged next to the value it qualifies.
      d.stunting_method === 'sae' ? el('abbr', { class: 'sae', title: t('table.sae_title'), text: t('table.sae') }) : null,
    ),
    el('td', { class: 'num' }, num(d.spbe_index, 2), el('span', { class: 'pred', text: d.spbe_predicate })),
    el('td', { class: 'num', text: num(d.score, 3) }),
    el('td', { class: 'num' }, pCell),
    el('td', { class: 'num', text: interval }),
    el('td', {}, forced ? committeeBadge(d) : bandBadge(d.band)),
  );
}

/** Bars are sized after insertion through the CSSOM (allowed under the CSP, unlike style="…"). */
function sizeBars(root) {
  for (const fill of root.querySelectorAll('.fill[data-p]')) fill.style.width = `${Math.round(Number(fill.dataset.p) * 100)}%`;
}

export function csvUrl(ctx) {
  return ctx.result?.kind === 'run' ? api.rankingCsvUrl(ctx.result.id) : api.shortlistCsvUrl(apiQuery(ctx.state));
}

/** The same list as an Excel workbook (districts, then the scenario, datasets and fingerprint). */
export function xlsxUrl(ctx) {
  return csvUrl(ctx).replace('format=csv', 'format=xlsx');
}

export function render(ctx, root) {
  const districts = ctx.result.districts;
  const provinceSelect = el('select', { id: 'filter-province' }, el('option', { value: '', text: t('table.all_provinces') }));
  for (const name of [...new Set(districts.map((d) => d.province_name))].sort()) provinceSelect.append(el('option', { value: name, text: name }));
  provinceSelect.value = ui.province;
  const textFilter = el('input', { type: 'search', id: 'filter-text', value: ui.text });
  const showAll = el('input', { type: 'checkbox', id: 'show-all' });
  showAll.checked = ctx.state.all;
  const body = el('tbody');
  const caption = el('caption');
  const thead = el('thead');

  const rerender = (headersToo) => {
    const q = ui.text.trim().toLowerCase();
    const col = COLUMNS.find((c) => c.key === ui.sort);
    const rows = districts
      .filter((d) => ctx.state.all || d.selected)
      .filter((d) => !ui.province || d.province_name === ui.province)
      .filter((d) => !q || d.name.toLowerCase().includes(q) || d.code.startsWith(q) || d.province_name.toLowerCase().includes(q))
      .sort((a, b) => {
        const x = col.value(a);
        const y = col.value(b);
        return (typeof x === 'string' ? x.localeCompare(y) : x - y) * ui.dir || a.rank - b.rank;
      });
    caption.textContent = t('table.caption', { count: int(rows.length) });
    replace(body, rows.length ? rows.map((d) => row(ctx, d)) : el('tr', {}, el('td', { colspan: COLUMNS.length, text: t('table.empty') })));
    sizeBars(body);
    if (headersToo) replace(thead, el('tr', {}, COLUMNS.map((c) => header(ctx, c, rerender))));
  };
  provinceSelect.addEventListener('change', () => {
    ui.province = provinceSelect.value;
    rerender(false);
  });
  textFilter.addEventListener('input', () => {
    ui.text = textFilter.value;
    rerender(false);
  });
  showAll.addEventListener('change', () => {
    ctx.update({ all: showAll.checked }, { scenarioChanged: false });
    rerender(false);
  });

  replace(
    root,
    el(
      'div',
      { class: 'toolbar' },
      el('label', { class: 'field' }, el('span', { text: t('table.filter_province') }), provinceSelect),
      el('label', { class: 'field' }, el('span', { text: t('table.filter_text') }), textFilter),
      el('label', { class: 'check' }, showAll, t('table.show_all', { n: int(districts.length) })),
      el('a', { href: csvUrl(ctx), id: 'csv-download', download: '', class: 'secondary', title: t('export.csv_title'), text: t('table.download_csv') }),
      el('a', { href: xlsxUrl(ctx), id: 'xlsx-download', download: '', class: 'secondary', text: t('table.download_xlsx') }),
    ),
    el('div', { class: 'table-wrap' }, el('table', { id: 'shortlist-table' }, caption, thead, body)),
    equitySection(ctx),
  );
  rerender(true);
}
