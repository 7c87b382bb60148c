// Small chart toolkit shared by the scatter, the quadrants and the print document: scales,
// axes, and a district dot plot with hover and keyboard focus.

import { el, svg } from './dom.js';
import { num, pct, t } from './i18n.js';

/** A linear scale from [d0, d1] to [r0, r1]. */
export function scale(d0, d1, r0, r1) {
  const f = (v) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);
  f.domain = [d0, d1];
  return f;
}

/** Round tick values covering [lo, hi]. */
export function ticks(lo, hi, count = 6) {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => raw <= s) || mag * 10;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

export const MARGIN = { top: 14, right: 16, bottom: 44, left: 52 };

function axes(x, y, width, height, xLabel, yLabel) {
  const m = MARGIN;
  const g = svg('g', { class: 'axis' });
  const grid = svg('g', { class: 'grid' });
  for (const v of ticks(...x.domain)) {
    grid.append(svg('line', { x1: x(v), x2: x(v), y1: m.top, y2: height - m.bottom }));
    g.append(svg('text', { x: x(v), y: height - m.bottom + 16, 'text-anchor': 'middle', text: num(v, 1) }));
  }
  for (const v of ticks(...y.domain)) {
    grid.append(svg('line', { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }));
    g.append(svg('text', { x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end', text: num(v, 0) }));
  }
  g.append(svg('line', { x1: m.left, x2: width - m.right, y1: height - m.bottom, y2: height - m.bottom }));
  g.append(svg('line', { x1: m.left, x2: m.left, y1: m.top, y2: height - m.bottom }));
  g.append(svg('text', { x: (m.left + width - m.right) / 2, y: height - 8, 'text-anchor': 'middle', text: xLabel }));
  g.append(svg('text', { x: -(m.top + height - m.bottom) / 2, y: 14, transform: 'rotate(-90)', 'text-anchor': 'middle', text: yLabel }));
  return [grid, g];
}

/** The hover/focus text of a district. */
export const describe = (d) =>
  `${d.name} (${d.province_name}) — ${t('evidence.y')}: ${pct(d.stunting_prevalence, 1)}; ${t('evidence.x')}: ${num(d.spbe_index, 2)}${d.selected ? ` — ${t('evidence.selected')}` : ''}`;

/**
 * Stunting (y) against SPBE (x) for every district; `decorate(g, x, y)` adds lines or bands
 * under the dots. With `interactive`, the left/right arrow keys walk the dots and a tip shows.
 */
export function dotPlot({ districts, width = 680, height = 420, id, label, decorate, interactive = true }) {
  const m = MARGIN;
  const ys = districts.map((d) => d.stunting_prevalence);
  const x = scale(1, 5, m.left, width - m.right);
  const y = scale(0, Math.max(40, Math.ceil((Math.max(...ys) + 2) / 10) * 10), height - m.bottom, m.top);
  const chart = svg('svg', {
    class: 'chart',
    id,
    viewBox: `0 0 ${width} ${height}`,
    role: 'group',
    'aria-label': label,
    tabindex: interactive ? 0 : null,
  });
  const [grid, axis] = axes(x, y, width, height, t('evidence.x'), t('evidence.y'));
  chart.append(grid);
  const under = svg('g');
  chart.append(under);
  if (decorate) decorate(under, x, y);
  chart.append(axis);
  // Selected dots are drawn last so they stay on top.
  const order = [...districts].sort((a, b) => Number(a.selected) - Number(b.selected));
  const dots = order.map((d) =>
    svg(
      'circle',
      { class: d.selected ? 'pt sel' : 'pt', cx: x(d.spbe_index), cy: y(d.stunting_prevalence), r: d.selected ? 4 : 3.2, dataset: { code: d.code } },
      svg('title', { text: describe(d) }),
    ),
  );
  chart.append(svg('g', {}, dots));
  const figure = el('figure', {}, chart);
  if (!interactive) return { figure, chart, x, y };

  const tip = el('div', { class: 'tip', role: 'status', hidden: true });
  figure.append(tip);
  const byX = order.map((d, i) => [d, dots[i]]).sort((a, b) => a[0].spbe_index - b[0].spbe_index);
  let at = -1;
  const show = (d, dot) => {
    const box = chart.getBoundingClientRect();
    const k = box.width / width;
    tip.textContent = describe(d);
    tip.style.left = `${Number(dot.getAttribute('cx')) * k}px`;
    tip.style.top = `${Number(dot.getAttribute('cy')) * k}px`;
    tip.hidden = false;
  };
  const focusDot = (i) => {
    if (at >= 0) byX[at][1].classList.remove('focus');
    at = (i + byX.length) % byX.length;
    const [d, dot] = byX[at];
    dot.classList.add('focus');
    show(d, dot);
  };
  chart.addEventListener('keydown', (event) => {
    const step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    focusDot(at < 0 ? 0 : at + step);
  });
  chart.addEventListener('focus', () => focusDot(at < 0 ? byX.findIndex(([d]) => d.selected) : at));
  chart.addEventListener('blur', () => {
    tip.hidden = true;
  });
  chart.addEventListener('mouseover', (event) => {
    const code = event.target.dataset?.code;
    const i = byX.findIndex(([d]) => d.code === code);
    if (i >= 0) show(...byX[i]);
  });
  chart.addEventListener('mouseleave', () => {
    tip.hidden = true;
  });
  return { figure, chart, x, y };
}

export function legend(items) {
  return el(
    'div',
    { class: 'legend' },
    items.map(([cls, label]) => {
      const sw = el('span', { class: 'sw', 'aria-hidden': 'true' });
      sw.style.background = cls;
      return el('span', {}, sw, label);
    }),
  );
}
