// Quadrant view, the ministry's own framing: stunting above/below a line (the 14 % national
// target or the median) × SPBE below / at-or-above 2.6 (the "Baik" band).

import { el, replace, svg } from './dom.js';
import { int, pct, t } from './i18n.js';
import { dotPlot, legend } from './svg.js';

export const SPBE_BAIK = 2.6;
export const NATIONAL_TARGET = 14;
let lineMode = 'target';

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The four quadrants with counts of all districts and of the selected ones. */
export function quadrants(districts, line) {
  const q = {
    high_low: { all: 0, selected: 0 },
    high_high: { all: 0, selected: 0 },
    low_low: { all: 0, selected: 0 },
    low_high: { all: 0, selected: 0 },
  };
  for (const d of districts) {
    const key = `${d.stunting_prevalence > line ? 'high' : 'low'}_${d.spbe_index >= SPBE_BAIK ? 'high' : 'low'}`;
    q[key].all += 1;
    if (d.selected) q[key].selected += 1;
  }
  return q;
}

export function render(ctx, root) {
  const districts = ctx.result.districts;
  const med = median(districts.map((d) => d.stunting_prevalence));
  const line = lineMode === 'median' ? med : NATIONAL_TARGET;
  const k = districts.filter((d) => d.selected).length;
  const counts = quadrants(districts, line);

  const choice = el(
    'select',
    { id: 'quadrant-line' },
    el('option', { value: 'target', text: t('quadrant.target') }),
    el('option', { value: 'median', text: t('quadrant.median', { value: pct(med, 1) }) }),
  );
  choice.value = lineMode;
  choice.addEventListener('change', () => {
    lineMode = choice.value;
    render(ctx, root);
    root.querySelector('#quadrant-line').focus();
  });

  const { figure } = dotPlot({
    districts,
    id: 'quadrant-chart',
    label: t('quadrant.title'),
    decorate: (g, x, y) => {
      g.append(svg('line', { class: 'refline', x1: x(1), x2: x(5), y1: y(line), y2: y(line) }));
      g.append(svg('line', { class: 'refline', x1: x(SPBE_BAIK), x2: x(SPBE_BAIK), y1: y(y.domain[0]), y2: y(y.domain[1]) }));
    },
  });
  figure.append(
    legend([
      ['var(--selected)', t('evidence.selected')],
      ['var(--unselected)', t('evidence.not_selected')],
    ]),
    el('figcaption', { text: t('quadrant.caption', { line: pct(line, 1) }) }),
  );
  const cell = (key) =>
    el(
      'div',
      { class: key === 'high_low' || key === 'high_high' ? 'quad hot' : 'quad', id: `quad-${key}` },
      el('h3', { text: t(`quadrant.${key}`) }),
      el('div', { class: 'big', text: int(counts[key].selected) }),
      el('div', { class: 'note', text: t('quadrant.counts', { all: int(counts[key].all), selected: int(counts[key].selected), k: int(k) }) }),
    );
  replace(
    root,
    el('h2', { text: t('quadrant.title') }),
    el('div', { class: 'toolbar' }, el('label', { class: 'field' }, el('span', { text: t('quadrant.line') }), choice)),
    el('div', { class: 'chart-grid' }, figure, el('div', { class: 'quad-grid' }, cell('high_low'), cell('high_high'), cell('low_low'), cell('low_high'))),
  );
}
