// The committee's document: filled on every change so that printing the page (A4 portrait,
// see the print rules in lokus.css) gives the list to sign.

import { el, replace } from './dom.js';
import { DICTIONARIES, dateTime, int, num, pct, t, today } from './i18n.js';
import { datasetTable } from './data.js';
import { chart } from './scatter.js';
import { bandBadge, bandLegend, committeeBadge, isForced, selectedLine } from './shortlist.js';
import { statusText } from './decision.js';
import { printSection as equityPrint } from './equity.js';
import { currentLine, summaryLine } from './robustness.js';

// The running head and foot of every printed page go in the page's margin boxes; their text
// changes with the run on screen, so they live in a constructed sheet (CSSOM, allowed by the
// CSP) rather than in lokus.css, which holds the static "Halaman x dari y".
const pageSheet = new CSSStyleSheet();
document.adoptedStyleSheets = [...document.adoptedStyleSheets, pageSheet];

/** A CSS string literal of any text. */
const cssString = (text) => `"${String(text).replace(/[\\"]/g, '\\$&').replace(/[\n\r]+/g, ' ')}"`;

/** What every printed page says at its top and bottom; a previous list says so on every page. */
function runningLines(r, stale) {
  const head = stale ? `${t('stale.print')} · ${statusText(r)}` : statusText(r);
  const foot = r.kind === 'run' ? `${t('print.run_ref', { id: r.id })} · ${r.fingerprint.slice(0, 16)}` : t('print.preview_run');
  return { head, foot };
}

function setPageBoxes(r, stale) {
  const { head, foot } = runningLines(r, stale);
  pageSheet.replaceSync(
    `@media print { @page { @top-left { content: ${cssString(head)}; } @bottom-left { content: ${cssString(foot)}; } } }`,
  );
}

/** The Indonesian words of a selection basis in the annex. */
const BASIS_ID = {
  score: 'Skor',
  forced_in: 'Keputusan panitia (wajib masuk)',
  forced_out: 'Keputusan panitia (dikeluarkan)',
  province_floor: 'Minimum per provinsi',
  province_cap: 'Batas per provinsi',
  spbe_floor: 'Di bawah SPBE minimum',
};

/** The annex to a decision (lampiran): Indonesian whatever the page's language. */
function renderAnnex(r, root, stale) {
  const selected = r.districts.filter((d) => d.selected);
  const a = r.kind === 'run' && r.status === 'adopted' ? r.adoption : null;
  const { head, foot } = runningLines(r, stale);
  const headers = ['No', 'Kode Kemendagri', 'Kode BPS', 'Kabupaten/Kota', 'Provinsi', 'Dasar Pemilihan', 'Peringkat Data', 'Keterangan'];
  replace(
    root,
    el('p', { class: 'annex-label', text: 'LAMPIRAN' }),
    el(
      'p',
      { class: 'annex-decision', id: 'annex-decision' },
      a
        ? `Keputusan Nomor ${a.decision_number} tanggal ${a.decision_date}`
        : r.kind === 'run'
          ? `Rancangan — belum ditetapkan (Perhitungan #${r.id}, status ${DICTIONARIES.id['run_status.' + r.status]})`
          : 'Rancangan — pratinjau, belum disimpan',
    ),
    el(
      'h1',
      { text: a ? `Daftar Kabupaten/Kota Lokus Program ${a.programme} Tahun ${a.year}` : 'Daftar Kabupaten/Kota Lokus' },
    ),
    el(
      'table',
      { id: 'annex-table' },
      el(
        'thead',
        {},
        // Repeated on every printed page with the table's header row.
        el('tr', { class: 'annex-running' }, el('th', { colspan: headers.length, text: head })),
        el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h }))),
      ),
      el('tfoot', {}, el('tr', { class: 'annex-running' }, el('td', { colspan: headers.length, text: foot }))),
      el(
        'tbody',
        {},
        selected.map((d, i) =>
          el(
            'tr',
            {},
            el('td', { class: 'num', text: String(i + 1) }),
            el('td', { class: 'mono', text: d.code }),
            el('td', { class: 'mono', text: d.bps_code }),
            el('td', { text: d.name }),
            el('td', { text: d.province_name }),
            el('td', { text: BASIS_ID[d.selection_basis] || BASIS_ID.score }),
            el('td', { class: 'num', text: d.data_rank ? String(d.data_rank) : '—' }),
            el('td', { text: d.reason || '' }),
          ),
        ),
      ),
    ),
    a ? el('p', { class: 'annex-signatories', text: `Ditetapkan oleh: ${a.signatories.join('; ')}` }) : null,
  );
}

/** Prints the annex layout instead of the committee document. */
export function printAnnex() {
  document.body.classList.add('print-annex-mode');
  window.addEventListener('afterprint', () => document.body.classList.remove('print-annex-mode'), { once: true });
  window.print();
}

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
  setPageBoxes(r, ctx.stale);
  renderAnnex(r, document.getElementById('print-annex'), ctx.stale);
  const selected = r.districts.filter((d) => d.selected);
  const head = ['table.rank', 'table.code', 'table.district', 'table.province', 'table.stunting', 'table.spbe', 'table.score', 'table.p_selected', 'table.interval', 'table.band'];
  const hasBands = r.districts.some((d) => d.band);
  replace(
    root,
    ctx.stale ? el('p', { class: 'print-stale', id: 'print-stale', text: `${t('stale.print')}. ${t('stale.print_note')}` }) : null,
    el('p', { class: 'print-status', id: 'print-status', text: statusText(r) }),
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
      el('dd', { text: scenarioLine(ctx.shown || ctx.state) }),
    ),
    el('h2', { text: t('print.datasets') }),
    datasetTable(r.datasets, 'print-datasets', { fullHash: true }),
    el('h2', { text: t('print.list', { k: int(selected.length) }) }),
    hasBands ? el('p', { id: 'print-bands', text: selectedLine(r) }) : null,
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
            el('td', { class: 'num', text: d.p_selected === undefined || isForced(d) ? '—' : num(d.p_selected, 2) }),
            el('td', { class: 'num', text: d.rank_p05 === undefined || isForced(d) ? '—' : `${int(d.rank_p05)}–${int(d.rank_p95)}` }),
            el('td', {}, isForced(d) ? committeeBadge(d) : bandBadge(d.band)),
          ),
        ),
      ),
    ),
    bandLegend(r, 'print-band-legend'),
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
