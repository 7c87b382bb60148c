// Evaluation: did it work? A saved run against a later stunting survey: the RD plot (binned
// means on each side, the local linear fits, the cut-off marked), the estimate card, the
// difference-in-differences and the API's reading in the page's language.

import * as api from './api.js';
import { el, replace, svg } from './dom.js';
import { int, lang, num, t } from './i18n.js';
import { MARGIN, scale, ticks } from './svg.js';

const picked = { run: '', year: '' };

const interval = (ci) => `[${num(ci[0], 2)}; ${num(ci[1], 2)}]`;

/** Stunting years after `baseline` that have a dataset (evaluation-only ones included). */
function outcomeYears(ctx, baseline) {
  const years = ctx.datasets.filter((d) => d.kind === 'stunting' && d.year > baseline).map((d) => d.year);
  return [...new Set(years)].sort((a, b) => b - a);
}

/** The RD plot: points faint, bin means bold, the two fits over the bandwidth, x = 0 dashed. */
function rdPlot(plot, width = 680, height = 380) {
  const m = MARGIN;
  const xs = plot.points.map((p) => p.x);
  // The y range holds the bins, the fits and the middle 95 % of the districts; the few beyond
  // it are left out of the drawing rather than piled on its edge.
  const sorted = plot.points.map((p) => p.y).sort((a, b) => a - b);
  const quantile = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const ys = plot.bins
    .map((b) => b.y)
    .concat([plot.fit_left.intercept, plot.fit_right.intercept, quantile(0.025), quantile(0.975)]);
  const pad = (lo, hi) => [lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05];
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const x = scale(x0, x1, m.left, width - m.right);
  const y = scale(y0, y1, height - m.bottom, m.top);
  const chart = svg('svg', { class: 'chart', id: 'rd-plot', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': t('evaluation.plot_label') });
  const grid = svg('g', { class: 'grid' });
  const axis = svg('g', { class: 'axis' });
  for (const v of ticks(x0, x1)) {
    grid.append(svg('line', { x1: x(v), x2: x(v), y1: m.top, y2: height - m.bottom }));
    axis.append(svg('text', { x: x(v), y: height - m.bottom + 16, 'text-anchor': 'middle', text: num(v, 2) }));
  }
  for (const v of ticks(y0, y1)) {
    grid.append(svg('line', { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }));
    axis.append(svg('text', { x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end', text: num(v, Number.isInteger(v) ? 0 : 1) }));
  }
  axis.append(svg('text', { x: (m.left + width - m.right) / 2, y: height - 8, 'text-anchor': 'middle', text: t('evaluation.x') }));
  axis.append(svg('text', { x: -(m.top + height - m.bottom) / 2, y: 14, transform: 'rotate(-90)', 'text-anchor': 'middle', text: t('evaluation.y') }));
  chart.append(grid, axis);
  const dots = svg('g', { class: 'rd-points' });
  for (const p of plot.points.filter((q) => q.y >= y0 && q.y <= y1)) {
    const c = svg('circle', { cx: x(p.x), cy: y(p.y), r: 2, class: p.x >= 0 ? 'in' : 'out' });
    c.append(svg('title', { text: `${p.code}: ${num(p.x, 3)}; ${num(p.y, 1)}` }));
    dots.append(c);
  }
  chart.append(dots);
  for (const b of plot.bins) {
    const c = svg('circle', { cx: x(b.x), cy: y(b.y), r: 4.5, class: `rd-bin ${b.x >= 0 ? 'in' : 'out'}` });
    c.append(svg('title', { text: t('evaluation.bin', { x: num(b.x, 3), y: num(b.y, 2), n: int(b.n) }) }));
    chart.append(c);
  }
  for (const f of [plot.fit_left, plot.fit_right]) {
    const at = (v) => f.intercept + f.slope * v;
    chart.append(svg('line', { class: 'rd-fit', x1: x(f.from), y1: y(at(f.from)), x2: x(f.to), y2: y(at(f.to)) }));
  }
  chart.append(svg('line', { class: 'rd-cutoff', x1: x(0), x2: x(0), y1: m.top, y2: height - m.bottom }));
  chart.append(svg('text', { class: 'rd-cutoff-label', x: x(0) + 4, y: m.top + 12, text: t('evaluation.cutoff') }));
  return chart;
}

function estimateCard(e) {
  const rd = e.rd;
  const rows = [
    ['evaluation.estimate', `${num(rd.estimate, 2)} ± ${num(rd.se, 2)}`],
    ['evaluation.ci_conventional', interval(rd.ci_conventional)],
    ['evaluation.ci_robust', interval(rd.ci_robust)],
    ['evaluation.bandwidth', num(rd.bandwidth, 3)],
    ['evaluation.n_sides', t('evaluation.n_sides_value', { left: int(rd.n_left), right: int(rd.n_right) })],
    ['evaluation.design', t(`evaluation.design.${rd.design}`)],
  ];
  return el(
    'div',
    { class: 'card', id: 'rd-card' },
    el('h3', { text: t('evaluation.rd_title') }),
    el('dl', {}, rows.map(([k, v]) => [el('dt', { text: t(k) }), el('dd', { text: v })])),
  );
}

function didCard(e) {
  const did = e.did;
  const rows = [
    ['evaluation.estimate', `${num(did.estimate, 2)} ± ${num(did.se, 2)}`],
    ['evaluation.ci', interval(did.ci)],
    ['evaluation.clusters', int(did.clusters)],
  ];
  return el(
    'div',
    { class: 'card', id: 'did-card' },
    el('h3', { text: t('evaluation.did_title') }),
    el('dl', {}, rows.map(([k, v]) => [el('dt', { text: t(k) }), el('dd', { text: v })])),
  );
}

async function show(run, year, out) {
  replace(out, el('p', { class: 'note', text: t('app.loading') }));
  try {
    const [evaluation, plot] = await Promise.all([api.evaluation(run, year), api.evaluationPlot(run, year)]);
    const figure = el(
      'figure',
      { class: 'chart-box' },
      rdPlot(plot),
      el('figcaption', { text: t('evaluation.caption', { baseline: evaluation.baseline_year, outcome: evaluation.outcome_year, n: int(plot.points.length) }) }),
    );
    replace(
      out,
      el(
        'div',
        { class: 'chart-grid' },
        figure,
        el('div', {}, estimateCard(evaluation), didCard(evaluation)),
      ),
      el('h3', { text: t('evaluation.reading') }),
      el('p', { id: 'evaluation-reading', class: 'reading', text: lang() === 'en' ? evaluation.reading.en : evaluation.reading.id }),
    );
  } catch (error) {
    replace(out, el('p', { class: 'alert', id: 'evaluation-error', text: t('app.error', { message: error.message }) }));
  }
}

export async function render(ctx, root) {
  const title = el('h2', { text: t('evaluation.title') });
  replace(root, title, el('p', { class: 'note', text: t('app.loading') }));
  let runs;
  try {
    runs = await api.rankings();
  } catch (error) {
    replace(root, title, el('p', { class: 'alert', text: t('app.error', { message: error.message }) }));
    return;
  }
  if (!runs.length) {
    replace(root, title, el('p', { class: 'note', id: 'evaluation-empty', text: t('evaluation.none') }));
    return;
  }
  const option = (r) => el('option', { value: String(r.id), text: t('compare.run_option', { id: r.id, date: r.created_at.slice(0, 10), by: r.created_by }) });
  const runSelect = el('select', { id: 'evaluation-run' }, runs.map(option));
  const wanted = picked.run || ctx.state.run;
  runSelect.value = wanted && runs.some((r) => String(r.id) === String(wanted)) ? String(wanted) : String(runs[0].id);
  const yearSelect = el('select', { id: 'evaluation-year' });
  const fillYears = () => {
    const run = runs.find((r) => String(r.id) === runSelect.value);
    const years = outcomeYears(ctx, run?.params?.stunting_year ?? 0);
    replace(yearSelect, ...years.map((y) => el('option', { value: String(y), text: String(y) })));
    if (picked.year && years.includes(Number(picked.year))) yearSelect.value = picked.year;
    return years.length > 0;
  };
  const out = el('div', { id: 'evaluation-result', 'aria-live': 'polite' });
  const go = el('button', {
    type: 'button',
    class: 'primary',
    id: 'evaluation-go',
    text: t('evaluation.go'),
    on: {
      click: () => {
        picked.run = runSelect.value;
        picked.year = yearSelect.value;
        if (!yearSelect.value) {
          replace(out, el('p', { class: 'note', text: t('evaluation.no_years') }));
          return;
        }
        show(runSelect.value, yearSelect.value, out);
      },
    },
  });
  runSelect.addEventListener('change', fillYears);
  const hasYears = fillYears();
  replace(
    root,
    title,
    el('p', { class: 'note', text: t('evaluation.intro') }),
    el(
      'div',
      { class: 'toolbar' },
      el('label', { class: 'field' }, el('span', { text: t('evaluation.run') }), runSelect),
      el('label', { class: 'field' }, el('span', { text: t('evaluation.outcome_year') }), yearSelect),
      go,
    ),
    out,
  );
  if (hasYears) show(runSelect.value, yearSelect.value, out);
  else replace(out, el('p', { class: 'note', text: t('evaluation.no_years') }));
}
