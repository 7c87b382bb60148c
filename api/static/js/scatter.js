// Evidence: stunting (y) against SPBE (x) for every joined district, the OLS line with its 95 %
// confidence band, and the correlation card with a plain-language reading.

import { el, replace, svg } from './dom.js';
import { int, num, pValue, t } from './i18n.js';
import { dotPlot, legend } from './svg.js';

/** Two-sided 97.5 % t quantile; the approximation is within 0.002 of the table for df ≥ 10. */
const t975 = (df) => (df > 0 ? 1.96 + 2.5 / df + 2.9 / (df * df) : 1.96);

/** Draws the regression line and its 95 % band for the mean under the dots. */
function olsBand(analysis, districts) {
  const reg = analysis.regression;
  const n = analysis.n;
  const xbar = districts.reduce((s, d) => s + d.spbe_index, 0) / districts.length;
  const s = reg.residual_std_error;
  const tq = t975(reg.df_residual);
  return (g, x, y) => {
    const xs = [];
    for (let v = 1; v <= 5.0001; v += 0.1) xs.push(v);
    const fit = (v) => reg.intercept + reg.slope * v;
    const half = (v) => tq * Math.sqrt((s * s) / n + (v - xbar) ** 2 * reg.slope_se ** 2);
    const upper = xs.map((v) => `${x(v).toFixed(1)},${y(fit(v) + half(v)).toFixed(1)}`);
    const lower = xs.map((v) => `${x(v).toFixed(1)},${y(fit(v) - half(v)).toFixed(1)}`).reverse();
    g.append(svg('polygon', { class: 'band95', points: [...upper, ...lower].join(' ') }));
    g.append(svg('line', { class: 'ols', x1: x(1), y1: y(fit(1)), x2: x(5), y2: y(fit(5)) }));
  };
}

/** The chart on its own (also printed in the committee's document). */
export function chart(ctx, { interactive = true, id = 'scatter' } = {}) {
  const districts = ctx.result.districts;
  return dotPlot({
    districts,
    id,
    label: t('evidence.title'),
    interactive,
    decorate: ctx.analysis && !ctx.analysis.failed ? olsBand(ctx.analysis, districts) : null,
  });
}

function strength(r) {
  const a = Math.abs(r);
  return t(a < 0.1 ? 'card.strength.negligible' : a < 0.3 ? 'card.strength.weak' : a < 0.5 ? 'card.strength.moderate' : 'card.strength.strong');
}

/** The plain-language reading of the model, ending with the not-causal caveat. */
export function reading(a) {
  const reg = a.regression;
  const p = reg.slope_p_value ?? a.pearson.p_value;
  return t('card.sentence', {
    n: int(a.n),
    strength: strength(a.pearson.r),
    r: num(a.pearson.r, 2),
    slope: num(Math.abs(reg.slope), 2),
    direction: t(reg.slope >= 0 ? 'card.up' : 'card.down'),
    significance: t(p < 0.05 ? 'card.significant' : 'card.not_significant', { p: pValue(p) }),
  });
}

function card(a) {
  if (!a) return el('div', { class: 'card' }, el('p', { class: 'note', text: t('app.loading') }));
  if (a.failed) return el('div', { class: 'card' }, el('p', { class: 'alert', text: t('app.error', { message: a.message }) }));
  const reg = a.regression;
  const tq = t975(reg.df_residual);
  const rows = [
    ['card.n', int(a.n)],
    ['card.pearson', `${num(a.pearson.r, 2)} [${num(a.pearson.ci95[0], 2)}; ${num(a.pearson.ci95[1], 2)}]`],
    ['card.spearman', num(a.spearman.rho, 2)],
    ['card.r2', num(reg.r_squared, 3)],
    ['card.slope', `${num(reg.slope, 2)} [${num(reg.slope - tq * reg.slope_se, 2)}; ${num(reg.slope + tq * reg.slope_se, 2)}]`],
    ['card.p', pValue(reg.slope_p_value ?? a.pearson.p_value)],
  ];
  return el(
    'div',
    { class: 'card', id: 'correlation-card' },
    el('h3', { text: t('card.title') }),
    el('dl', {}, rows.map(([k, v]) => [el('dt', { text: t(k) }), el('dd', { text: v })])),
    el('h3', { text: t('card.reading') }),
    el('p', { id: 'correlation-reading', text: reading(a) }),
    el('p', { class: 'causal', id: 'not-causal', text: t('card.not_causal') }),
  );
}

export function render(ctx, root) {
  const { figure } = chart(ctx);
  figure.append(
    legend([
      ['var(--selected)', t('evidence.selected')],
      ['var(--unselected)', t('evidence.not_selected')],
      ['rgba(192, 99, 15, .35)', t('evidence.ols')],
    ]),
    el('figcaption', { text: `${t('evidence.caption', { n: int(ctx.result.districts.length) })} ${t('evidence.keys')}` }),
  );
  replace(root, el('h2', { text: t('evidence.title') }), el('div', { class: 'chart-grid' }, figure, card(ctx.analysis)));
}
