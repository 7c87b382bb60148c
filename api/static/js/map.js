// Map: a choropleth of the districts when a boundary layer is loaded (coloured by certainty
// or by score, selected outlined), or a province tile map coloured by the share selected:
// the only map without a layer, the first one shown when the layer holds none of the ranked
// districts, and one switch away whenever a layer exists.

import * as api from './api.js';
import { el, replace, svg } from './dom.js';
import { int, num, share, t } from './i18n.js';
import { legend } from './svg.js';
import { sourceWord } from './words.js';

const BAND_FILL = { certain_in: '#1d5fa6', contested: '#e08a2e', certain_out: '#c9d0d8' };
const NO_DATA = '#dfe4ea';
const SEQ = ['#eef4f7', '#c6dfe8', '#8fc0d2', '#4f98b3', '#1f6f8f', '#0b4763'];
let colourBy = 'band';
let mode = null; // 'boundaries' or 'tiles' once the reader has chosen; null: the layer decides
let layer = null; // { datasetId, geojson }

const seqStep = (f) => Math.min(SEQ.length - 1, Math.max(0, Math.floor(f * (SEQ.length - 1) + 0.5)));
const seqColour = (f) => SEQ[seqStep(f)];
// White text keeps 4.5:1 only on the two darkest steps; dark ink reads on the others.
const DARK_FROM_STEP = 4;

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
    chart,
    legend(items),
    el('figcaption', { text: t('map.caption', { id: dataset.id, source: sourceWord(dataset.source), matched: int(matched), total: int(features.length) }) }),
  );
}

/** Ranked districts that have a shape in the layer. */
function matchedCount(ctx, geojson) {
  const codes = new Set(ctx.result.districts.map((d) => d.code));
  return geojson.features.filter((f) => f.geometry && codes.has(f.properties.code || f.properties.kemendagri_code)).length;
}

const VOWEL = /[aeiou]/i;

/**
 * A name with soft hyphens between the syllables of its long words, so that a narrow tile breaks
 * "Kalimantan" as "Kali-mantan", never "Kalimant-an". Indonesian syllables open on a consonant
 * before a vowel; ng, ny, kh and sy stay together; at least two letters stay on each side.
 */
function syllabify(name) {
  return name.replace(/\p{L}{7,}/gu, (word) => {
    const breaks = new Set();
    for (let i = 1; i < word.length - 1; i += 1) {
      if (VOWEL.test(word[i]) || !VOWEL.test(word[i + 1])) continue;
      const at = /^(ng|ny|kh|sy)$/i.test(word.slice(i - 1, i + 1)) ? i - 1 : i;
      if (at >= 2 && at <= word.length - 2 && VOWEL.test(word.slice(0, at))) breaks.add(at);
    }
    return [...word].map((c, i) => (breaks.has(i) ? `\u00ad${c}` : c)).join('');
  });
}

/** One tile per province, placed on a grid as the API places it, named as people read it. */
function tiles(ctx) {
  const stats = new Map();
  for (const d of ctx.result.districts) {
    const s = stats.get(d.province_code) || { districts: 0, selected: 0 };
    s.districts += 1;
    if (d.selected) s.selected += 1;
    stats.set(d.province_code, s);
  }
  // North to south, then west to east: the order a screen reader reads them in.
  const placed = ctx.provinces.filter((p) => p.row !== null && p.col !== null).sort((a, b) => a.row - b.row || a.col - b.col);
  const cols = Math.max(...placed.map((p) => p.col)) + 1;
  const cells = placed.map((p) => {
    const s = stats.get(p.code) || { districts: 0, selected: 0 };
    const f = s.districts ? s.selected / s.districts : 0;
    const counts = { name: p.name, selected: int(s.selected), districts: int(s.districts), share: share(f, 0) };
    const tile = el(
      'li',
      { class: `tile${s.selected ? ' sel-any' : ''}${seqStep(f) >= DARK_FROM_STEP ? ' dark' : ''}`, title: t('map.tile_title', counts), dataset: { code: p.code } },
      el('span', { class: 'tile-name', text: syllabify(p.name) }),
      el('span', { class: 'tile-count', 'aria-hidden': 'true', text: `${int(s.selected)}/${int(s.districts)}` }),
      el('span', { class: 'sr-only', text: t('map.tile_counts', counts) }),
    );
    // Placed and coloured through the CSSOM (allowed under the CSP, unlike style="…").
    tile.style.gridRow = String(p.row + 1);
    tile.style.gridColumn = String(p.col + 1);
    tile.style.background = seqColour(f);
    return tile;
  });
  const grid = el('ul', { class: 'tile-map', id: 'tile-map' }, cells);
  grid.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
  return el(
    'figure',
    {},
    // On a phone the grid keeps readable tiles and scrolls sideways.
    el('div', { class: 'tile-scroll', role: 'region', tabindex: '0', 'aria-label': t('map.tiles_label') }, grid),
    el('div', { class: 'note', text: t('map.legend_share') }),
    legend(SEQ.map((c, i) => [c, share(i / (SEQ.length - 1), 0)])),
    el('figcaption', { text: t('map.tiles_caption') }),
  );
}

/** Without a boundary layer: what the tile map is, and (folded away) how a layer is loaded. */
function noLayerNote() {
  return el(
    'div',
    { class: 'map-info', id: 'map-info' },
    el('p', { text: t('map.no_layer') }),
    el('details', { class: 'admin-note' }, el('summary', { text: t('map.admin_summary') }), el('p', { text: t('map.admin_how_to') })),
  );
}

/** A layer whose districts are none of the ranked ones: said in words. */
function noneMatchedNote(ctx, dataset) {
  return el(
    'div',
    { class: 'map-info', id: 'map-none-matched' },
    el('p', { text: t('map.none_matched', { id: dataset.id, source: dataset.source, ranked: int(ctx.result.districts.length) }) }),
    ctx.result.demo ? el('p', { text: t('map.none_matched_demo') }) : null,
  );
}

/** The switch between the boundary map and the province tile map. */
function modeSwitch(shown, choose) {
  const option = (value, label) => {
    const input = el('input', { type: 'radio', name: 'map-mode', value, id: `map-mode-${value}` });
    input.checked = shown === value;
    input.addEventListener('change', () => choose(value));
    return el('label', { class: 'check' }, input, t(label));
  };
  return el(
    'fieldset',
    { class: 'map-mode', id: 'map-mode' },
    el('legend', { text: t('map.mode') }),
    option('boundaries', 'map.mode_boundaries'),
    option('tiles', 'map.mode_tiles'),
  );
}

export async function render(ctx, root) {
  const title = el('h2', { text: t('map.title') });
  const boundaries = ctx.datasets.find((d) => d.kind === 'boundaries');
  if (!boundaries) {
    replace(root, title, noLayerNote(), tiles(ctx));
    return;
  }
  replace(root, title, el('p', { class: 'note', text: t('app.loading') }));
  try {
    if (!layer || layer.datasetId !== boundaries.id) layer = { datasetId: boundaries.id, geojson: await api.boundaries() };
  } catch (error) {
    replace(root, title, el('p', { class: 'alert', text: t('app.error', { message: error.message }) }), tiles(ctx));
    return;
  }
  const dataset = layer.geojson.dataset || boundaries;
  const matched = matchedCount(ctx, layer.geojson);
  // A layer holding none of the ranked districts would be all grey: the tiles say more.
  const shown = mode ?? (matched ? 'boundaries' : 'tiles');
  const rerender = (focusId) => render(ctx, root).then(() => root.querySelector(`#${focusId}`)?.focus());
  const choose = (value) => {
    mode = value;
    rerender(`map-mode-${value}`);
  };
  const select = el(
    'select',
    { id: 'map-colour' },
    el('option', { value: 'band', text: t('map.by_band') }),
    el('option', { value: 'score', text: t('map.by_score') }),
  );
  select.value = colourBy;
  select.addEventListener('change', () => {
    colourBy = select.value;
    rerender('map-colour');
  });
  replace(
    root,
    title,
    matched ? null : noneMatchedNote(ctx, dataset),
    el(
      'div',
      { class: 'toolbar' },
      modeSwitch(shown, choose),
      shown === 'boundaries' ? el('label', { class: 'field' }, el('span', { text: t('map.colour_by') }), select) : null,
    ),
    shown === 'boundaries' ? choropleth(ctx, layer.geojson, dataset) : tiles(ctx),
  );
}
