// The committee's document: filled on every change so that printing the page (A4 portrait,
// see the print rules in lokus.css) gives the list to sign.

import { el, replace } from './dom.js';
import { dateTime, int, num, pct, t, today } from './i18n.js';
import { datasetTable } from './data.js';
import { chart } from './scatter.js';
import { bandBadge } from './shortlist.js';
import { printSection as equityPrint } from './equity.js';
import { currentLine, summaryLine } from './robustness.js';

function scenarioLine(s) {
  const blank = (v) => (v === '' || v === null || v === undefined ? t('scenario.none') : v);
  return t('print.scenario_line', {
    method: t(`method.${s.method}`),
    ws: num(s.stunting_weight, 2),
    wd: num(s.spbe_weight, 2),
    norm: t(`norm.${s.normalisation}`),
    direction: t(`dir.${s.spbe_direction}`),
    k: int(s.k),
    draws: int(s.draws),
    seed: s.seed,
    min_spbe: blank(s.min_spbe),
    min_pp: blank(s.min_per_province),
    max_pp: blank(s.max_per_province),
    include: s.include.length ? s.include.join(', ') : t('scenario.none'),
    exclude: s.exclude.length ? s.exclude.join(', ') : t('scenario.none'),
  });
}

/** The robustness of the list in one line (once the answer is in). */
function robustnessLine(ctx) {
  const r = ctx.robustness && ctx.robustness.data;
  if (!r) return null;
  return el('p', { id: 'print-robustness' }, el('strong', { text: `${t('robust.title')}: ` }), `${summaryLine(r)} ${currentLine(r)}`);
}

export function render(ctx, root) {
  const r = ctx.result;
  const selected = r.districts.filter((d) => d.selected);
  const head = ['table.rank', 'table.code', 'table.district', 'table.province', 'table.stunting', 'table.spbe', 'table.score', 'table.p_selected', 'table.band'];
  replace(
    root,
    el('h1', { text: t('print.title') }),
    el(
      'dl',
      {},
      el('dt', { text: t('print.date') }),
      el('dd', { text: today() }),
      el('dt', { text: t('print.run') }),
      el('dd', { text: r.kind === 'run' ? `#${r.id} · ${dateTime(r.created_at)} · ${r.created_by}` : t('print.preview_run') }),
      el('dt', { text: t('print.fingerprint') }),
      el('dd', { class: 'mono', text: r.fingerprint }),
      el('dt', { text: t('print.scenario') }),
      el('dd', { text: scenarioLine(ctx.state) }),
    ),
    el('h2', { text: t('print.datasets') }),
    datasetTable(r.datasets, 'print-datasets', { fullHash: true }),
    el('h2', { text: t('print.list', { k: int(selected.length) }) }),
    el(
      'table',
      { id: 'print-list' },
      el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
      el(
        'tbody',
        {},
        selected.map((d) =>
          el(
            'tr',
            {},
            el('td', { class: 'num', text: int(d.rank) }),
            el('td', { class: 'mono', text: d.code }),
            el('td', { text: d.name }),
            el('td', { text: d.province_name }),
            el('td', { class: 'num', text: `${pct(d.stunting_prevalence, 1)}${d.stunting_se ? ` ± ${num(d.stunting_se, 1)}` : ''}` }),
            el('td', { class: 'num', text: `${num(d.spbe_index, 2)} ${d.spbe_predicate}` }),
            el('td', { class: 'num', text: num(d.score, 3) }),
            el('td', { class: 'num', text: d.p_selected === undefined ? '—' : num(d.p_selected, 2) }),
            el('td', {}, bandBadge(d.band)),
          ),
        ),
      ),
    ),
    equityPrint(ctx),
    robustnessLine(ctx),
    el('h2', { text: t('print.chart') }),
    chart(ctx, { interactive: false, id: 'print-scatter' }).figure,
    el('h2', { text: t('print.signatures') }),
    el(
      'div',
      { class: 'signatures' },
      ['print.prepared', 'print.reviewed', 'print.approved'].map((k) => el('div', {}, el('strong', { text: t(k) }), el('br'), t('print.name_date'))),
    ),
  );
}
