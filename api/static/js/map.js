// Map: a choropleth of the districts when a boundary layer is loaded (coloured by certainty
// or by score, selected outlined); otherwise a province tile map coloured by the share selected.

import * as api from './api.js';
import { el, replace, svg } from './dom.js';
import { int, num, share, t } from './i18n.js';
import { legend } from './svg.js';
import { sourceWord } from './words.js';

const BAND_FILL = { certain_in: '#1d5fa6', contested: '#e08a2e', certain_out: '#c9d0d8' };
const NO_DATA = '#dfe4ea';
const SEQ = ['#eef4f7', '#c6dfe8', '#8fc0d2', '#4f98b3', '#1f6f8f', '#0b4763'];
let colourBy = 'band';
let layer = null; // { datasetId, geojson }

const seqColour = (f) => SEQ[Math.min(SEQ.length - 1, Math.max(0, Math.floor(f * (SEQ.length - 1) + 0.5)))];

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

function choropleth(ctx, geojson, dataset) {
  const byCode = new Map(ctx.result.districts.map((d) => [d.code, d]));
  const features = geojson.features.filter((f) => f.geometry);
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    for (const ring of rings(f.geometry)) {
      for (const [lon, lat] of ring) {
        minX = Math.min(minX, lon);
        maxX = Math.max(maxX, lon);
        minY = Math.min(minY, lat);
        maxY = Math.max(maxY, lat);
      }
    }
  }
  const width = 960;
  const k = width / (maxX - minX || 1);
  const height = Math.max(200, Math.round((maxY - minY) * k));
  const px = ([lon, lat]) => `${((lon - minX) * k).toFixed(1)},${((maxY - lat) * k).toFixed(1)}`;
  const scores = ctx.result.districts.map((d) => d.score);
  const [lo, hi] = [Math.min(...scores), Math.max(...scores)];
  const hasBands = ctx.result.districts.some((d) => d.band);
  const fill = (d) => {
    if (!d) return NO_DATA;
    if (colourBy === 'score') return seqColour((d.score - lo) / (hi - lo || 1));
    if (hasBands) return BAND_FILL[d.band];
    return d.selected ? BAND_FILL.certain_in : BAND_FILL.certain_out;
  };
  let matched = 0;
  const paths = features.map((f) => {
    const code = f.properties.code || f.properties.kemendagri_code;
    const d = byCode.get(code);
    if (d) matched += 1;
    const dPath = rings(f.geometry)
      .map((ring) => `M${ring.map(px).join('L')}Z`)
      .join('');
    const label = d
      ? `${d.name} (${d.province_name}) — ${t('table.score')} ${num(d.score, 3)}; ${d.band ? t(`band.${d.band}`) : t(d.selected ? 'selected.yes' : 'selected.no')}`
      : `${f.properties.name || code} — ${t('map.no_data')}`;
    const node = svg('path', { d: dPath, class: d && d.selected ? 'sel' : null, dataset: { code } }, svg('title', { text: label }));
    node.style.fill = fill(d);
    return node;
  });
  // Outlined (selected) shapes last, so their outline is not covered by neighbours.
  paths.sort((a, b) => Number(a.classList.contains('sel')) - Number(b.classList.contains('sel')));
  const chart = svg('svg', { class: 'chart map', id: 'choropleth', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': t('map.title') }, paths);
  const items =
    colourBy === 'score'
      ? [[SEQ[0], t('map.low_score')], [SEQ[SEQ.length - 1], t('map.high_score')]]
      : hasBands
        ? ['certain_in', 'contested', 'certain_out'].map((b) => [BAND_FILL[b], t(`band.${b}`)])
        : [[BAND_FILL.certain_in, t('selected.yes')], [BAND_FILL.certain_out, t('selected.no')]];
  items.push([NO_DATA, t('map.no_data')]);
  return el(
    'figure',
    {},
    matched ? null : el('p', { class: 'alert', id: 'map-none-matched', text: t('map.none_matched') }),
    chart,
    legend(items),
    el('figcaption', { text: t('map.caption', { id: dataset.id, source: sourceWord(dataset.source), matched: int(matched), total: int(features.length) }) }),
  );
}

function tiles(ctx) {
  const stats = new Map();
  for (const d of ctx.result.districts) {
    const s = stats.get(d.province_code) || { districts: 0, selected: 0 };
    s.districts += 1;
    if (d.selected) s.selected += 1;
    stats.set(d.province_code, s);
  }
  const placed = ctx.provinces.filter((p) => p.row !== null && p.col !== null);
  const cw = 62;
  const ch = 54;
  const cols = Math.max(...placed.map((p) => p.col)) + 1;
  const rows = Math.max(...placed.map((p) => p.row)) + 1;
  const cells = placed.map((p) => {
    const s = stats.get(p.code) || { districts: 0, selected: 0 };
    const f = s.districts ? s.selected / s.districts : 0;
    const title = t('map.tile_title', { name: p.name, selected: int(s.selected), districts: int(s.districts), share: share(f, 0) });
    const x = p.col * cw;
    const y = p.row * ch;
    const rect = svg('rect', { x: x + 2, y: y + 2, width: cw - 4, height: ch - 4, rx: 4, class: s.selected ? 'sel-any' : null });
    rect.style.fill = seqColour(f);
    rect.style.stroke = '#9fb0bf';
    const dark = f > 0.55;
    const label = (cls, dy, text) => {
      const node = svg('text', { class: cls, x: x + cw / 2, y: y + dy, text });
      if (dark) node.style.fill = '#fff';
      return node;
    };
    return svg(
      'g',
      { class: 'tile', dataset: { code: p.code } },
      svg('title', { text: title }),
      rect,
      label('abbr', 24, p.abbr || p.code),
      label('count', 40, `${int(s.selected)}/${int(s.districts)}`),
    );
  });
  const chart = svg('svg', { class: 'chart tiles', id: 'tile-map', viewBox: `0 0 ${cols * cw} ${rows * ch}`, role: 'img', 'aria-label': t('map.tiles_caption') }, cells);
  return el(
    'figure',
    {},
    chart,
    el('div', { class: 'note', text: t('map.legend_share') }),
    legend(SEQ.map((c, i) => [c, share(i / (SEQ.length - 1), 0)])),
    el('figcaption', { text: t('map.tiles_caption') }),
  );
}

export async function render(ctx, root) {
  const boundaries = ctx.datasets.find((d) => d.kind === 'boundaries');
  const select = el(
    'select',
    { id: 'map-colour' },
    el('option', { value: 'band', text: t('map.by_band') }),
    el('option', { value: 'score', text: t('map.by_score') }),
  );
  select.value = colourBy;
  select.addEventListener('change', () => {
    colourBy = select.value;
    render(ctx, root).then(() => root.querySelector('#map-colour')?.focus());
  });
  if (!boundaries) {
    replace(
      root,
      el('h2', { text: t('map.title') }),
      el('p', { class: 'alert', id: 'map-how-to', text: t('map.how_to_load') }),
      tiles(ctx),
    );
    return;
  }
  replace(root, el('h2', { text: t('map.title') }), el('p', { class: 'note', text: t('app.loading') }));
  try {
    if (!layer || layer.datasetId !== boundaries.id) layer = { datasetId: boundaries.id, geojson: await api.boundaries() };
    replace(
      root,
      el('h2', { text: t('map.title') }),
      el('div', { class: 'toolbar' }, el('label', { class: 'field' }, el('span', { text: t('map.colour_by') }), select)),
      choropleth(ctx, layer.geojson, layer.geojson.dataset || boundaries),
    );
  } catch (error) {
    replace(root, el('h2', { text: t('map.title') }), el('p', { class: 'alert', text: t('app.error', { message: error.message }) }), tiles(ctx));
  }
}
