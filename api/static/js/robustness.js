// Ketahanan (robustness): how often each district is selected across the default grid of
// reasonable scenarios (methods × stunting weights × normalisations × SPBE directions) with
// the k and constraints on screen, and where the scenario on screen stands among them.

import * as api from './api.js';
import { el, replace, svg } from './dom.js';
import { int, num, share, t } from './i18n.js';

const CLASSES = ['core', 'mostly', 'sometimes', 'never'];
const ui = { filter: 'pool', text: '' };

const blank = (v) => (v === '' || v === null || v === undefined ? null : Number(v));

/** The request body for the state on screen: the default grid, this k and these constraints. */
export function requestBody(state) {
  const body = {
    k: Number(state.k),
    constraints: {
      min_spbe: blank(state.min_spbe),
      max_per_province: blank(state.max_per_province),
      min_per_province: blank(state.min_per_province),
      include: state.include,
      exclude: state.exclude,
    },
    current: {
      method: state.method,
      weights: { stunting: Number(state.stunting_weight), spbe: Number(state.spbe_weight) },
      normalisation: state.normalisation,
      spbe_direction: state.spbe_direction,
    },
  };
  if (blank(state.stunting_year) !== null) body.stunting_year = blank(state.stunting_year);
  if (blank(state.spbe_year) !== null) body.spbe_year = blank(state.spbe_year);
  return body;
}

/** Fetches the robustness of the state on screen, once per distinct request (a second
 * caller gets the same promise); `ctx.robustness` holds the answer or the error. */
export function load(ctx) {
  const body = requestBody(ctx.state);
  const key = JSON.stringify(body);
  if (ctx.robustness && ctx.robustness.key === key) return ctx.robustness.promise;
  const entry = { key, data: null, error: null };
  entry.promise = api.robustness(body).then(
    (data) => {
      entry.data = data;
    },
    (error) => {
      entry.error = error;
    },
  );
  ctx.robustness = entry;
  return entry.promise;
}

/** The one-line summary (screen and print). */
export function summaryLine(r) {
  return t('robust.summary', {
    n: int(r.scenarios.length),
    core: int(r.counts.core),
    mostly: int(r.counts.mostly),
    sometimes: int(r.counts.sometimes),
    never: int(r.counts.never),
  });
}

/** How the scenario on screen relates (screen and print). */
export function currentLine(r) {
  const c = r.current;
  if (!c) return '';
  return t('robust.current', {
    core: int(c.counts.core),
    mostly: int(c.counts.mostly),
    sometimes: int(c.counts.sometimes),
    never: int(c.counts.never),
  });
}

const matches = (d) => {
  if (ui.filter === 'pool') return d.class !== 'never';
  if (ui.filter === 'borderline') return d.class === 'mostly' || d.class === 'sometimes';
  return ui.filter === 'all' || d.class === ui.filter;
};

/** Share of scenarios per district, most robust first, as bars; the current selection marked. */
function chart(r, picked) {
  const shown = r.districts.filter((d) => d.share > 0);
  const width = 900;
  const height = 240;
  const m = { top: 12, right: 12, bottom: 40, left: 62 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const step = plotW / Math.max(shown.length, 1);
  const y = (v) => m.top + (1 - v) * plotH;
  const g = svg('g', {});
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    g.append(svg('line', { class: v === 0.75 ? 'robust-threshold' : 'robust-grid', x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }));
    g.append(svg('text', { x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end', text: share(v, 0) }));
  }
  shown.forEach((d, i) => {
    const x = m.left + i * step;
    // The scenario on screen: a tick under the bar, so the bars keep their class colour.
    if (picked.has(d.code)) g.append(svg('rect', { class: 'robust-mark', x, y: y(0) + 3, width: Math.max(step - 0.6, 0.6), height: 5 }));
    const bar = svg(
      'rect',
      {
        class: `robust-bar class-${d.class}${picked.has(d.code) ? ' is-current' : ''}`,
        x,
        y: y(d.share),
        width: Math.max(step - 0.6, 0.6),
        height: y(0) - y(d.share),
      },
      svg('title', { text: `${d.name} (${d.code}): ${share(d.share, 0)} · ${t(`robust.class.${d.class}`)}` }),
    );
    g.append(bar);
  });
  g.append(svg('text', { x: m.left + plotW / 2, y: height - 6, 'text-anchor': 'middle', text: t('robust.axis_x', { n: int(shown.length) }) }));
  g.append(svg('text', { x: 14, y: m.top + plotH / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${m.top + plotH / 2})`, text: t('robust.axis_y') }));
  return el(
    'figure',
    { class: 'robust-figure' },
    svg(
      'svg',
      { id: 'robust-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'robust-chart-title' },
      svg('title', { id: 'robust-chart-title', text: t('robust.chart_title') }),
      g,
    ),
    el(
      'figcaption',
      { class: 'legend' },
      CLASSES.slice(0, 3).map((c) => el('span', { class: `key class-${c}` }, el('i', { 'aria-hidden': 'true' }), t(`robust.class.${c}`))),
      el('span', { class: 'key is-current' }, el('i', { 'aria-hidden': 'true' }), t('robust.on_screen')),
    ),
  );
}

function table(r, picked, body, caption) {
  const q = ui.text.trim().toLowerCase();
  const rows = r.districts.filter(matches).filter((d) => !q || d.name.toLowerCase().includes(q) || d.code.startsWith(q));
  caption.textContent = t('robust.caption', { count: int(rows.length) });
  replace(
    body,
    rows.length
      ? rows.map((d) =>
          el(
            'tr',
            { dataset: { class: d.class } },
            el('td', { class: 'mono', text: d.code }),
            el('td', { text: d.name }),
            el('td', { class: 'num', text: share(d.share, 0) }),
            el('td', { class: 'num', text: d.best_rank === null ? '—' : int(d.best_rank) }),
            el('td', { class: 'num', text: d.worst_rank === null ? '—' : int(d.worst_rank) }),
            el('td', {}, el('span', { class: `cause class-${d.class}`, text: t(`robust.class.${d.class}`) })),
            el('td', { text: picked.has(d.code) ? t('robust.yes') : '' }),
          ),
        )
      : el('tr', {}, el('td', { colspan: 7, text: t('table.empty') })),
  );
}

export function render(ctx, root) {
  const state = ctx.robustness;
  if (!state || state.key !== JSON.stringify(requestBody(ctx.state)) || (!state.data && !state.error)) {
    replace(root, el('p', { class: 'note', text: t('app.loading') }));
    const key = JSON.stringify(requestBody(ctx.state));
    load(ctx).then(() => {
      if (!root.hidden && ctx.robustness.key === key) render(ctx, root);
    });
    return;
  }
  if (state.error) {
    replace(root, el('p', { class: 'alert', text: t('app.error', { message: state.error.message }) }));
    return;
  }
  const r = state.data;
  const picked = new Set(r.current ? CLASSES.flatMap((c) => r.current[c]) : []);
  const filter = el(
    'select',
    { id: 'robust-filter' },
    ['pool', 'core', 'borderline', 'mostly', 'sometimes', 'never', 'all'].map((f) => el('option', { value: f, text: t(`robust.filter.${f}`) })),
  );
  filter.value = ui.filter;
  const text = el('input', { type: 'search', id: 'robust-text', value: ui.text });
  const body = el('tbody');
  const caption = el('caption');
  filter.addEventListener('change', () => {
    ui.filter = filter.value;
    table(r, picked, body, caption);
  });
  text.addEventListener('input', () => {
    ui.text = text.value;
    table(r, picked, body, caption);
  });
  const head = ['table.code', 'table.district', 'robust.share', 'robust.best', 'robust.worst', 'robust.class', 'robust.on_screen'];
  replace(
    root,
    el('h2', { text: t('robust.title') }),
    el('p', { class: 'note', text: t('robust.intro', { k: int(ctx.state.k) }) }),
    el('p', { id: 'robust-summary', class: 'summary', text: summaryLine(r) }),
    r.current ? el('p', { id: 'robust-current', text: currentLine(r) }) : null,
    chart(r, picked),
    el(
      'div',
      { class: 'toolbar' },
      el('label', { class: 'field' }, el('span', { text: t('robust.filter') }), filter),
      el('label', { class: 'field' }, el('span', { text: t('table.filter_text') }), text),
    ),
    el(
      'div',
      { class: 'table-wrap' },
      el('table', { id: 'robust-table' }, caption, el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))), body),
    ),
    el('p', { class: 'note', text: t('robust.method_note', { n: int(r.scenarios.length), s: num(r.scenarios.length ? 1 / r.scenarios.length : 0, 3) }) }),
  );
  table(r, picked, body, caption);
}
