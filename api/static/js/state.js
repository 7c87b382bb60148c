// The screen's state lives in the URL: reading it back reproduces what is on screen.

/** Scenario defaults of the page; uncertainty is on (1,000 draws) so every place shows how sure it is. */
export const DEFAULTS = Object.freeze({
  method: 'composite',
  stunting_weight: 0.6,
  spbe_weight: 0.4,
  normalisation: 'min_max',
  spbe_direction: 'higher_is_priority',
  k: 100,
  min_spbe: '',
  max_per_province: '',
  min_per_province: '',
  include: [],
  exclude: [],
  draws: 1000,
  seed: 42,
  stunting_year: '',
  spbe_year: '',
});

/** Keys that describe the view, not the scenario. */
const VIEW_DEFAULTS = Object.freeze({ lang: 'id', run: '', view: 'list', district: '', all: false });

/** The code of an include/exclude entry: a bare code or `{code, reason}`. */
export const codeOf = (entry) => (typeof entry === 'string' ? entry : entry.code);

const NUMBERS = ['stunting_weight', 'spbe_weight', 'k', 'draws', 'seed'];
const LISTS = ['include', 'exclude'];

/** The state in a query string. */
export function readState(search) {
  const params = new URLSearchParams(search);
  const state = { ...DEFAULTS, ...VIEW_DEFAULTS, include: [], exclude: [], reasons: {} };
  for (const key of Object.keys(state)) {
    if (!params.has(key)) continue;
    const raw = params.get(key);
    if (LISTS.includes(key)) state[key] = raw.split(',').map((c) => c.trim()).filter(Boolean);
    else if (NUMBERS.includes(key)) state[key] = Number.isFinite(Number(raw)) && raw !== '' ? Number(raw) : DEFAULTS[key];
    else if (key === 'all') state.all = raw === 'true' || raw === '1';
    else state[key] = raw;
  }
  if (state.lang !== 'en') state.lang = 'id';
  return state;
}

/** The query string of a state: only what differs from the defaults. A saved run is its id. */
export function toSearch(state) {
  const params = new URLSearchParams();
  const keys = state.run ? [] : Object.keys(DEFAULTS);
  for (const key of keys) {
    const value = state[key];
    const base = DEFAULTS[key];
    if (LISTS.includes(key)) {
      if (value.length) params.set(key, value.join(','));
    } else if (String(value) !== String(base)) params.set(key, String(value));
  }
  if (state.run) params.set('run', state.run);
  for (const [key, base] of Object.entries(VIEW_DEFAULTS)) {
    if (key !== 'run' && state[key] !== base && state[key] !== '') params.set(key, String(state[key]));
  }
  const q = params.toString();
  return q ? `?${q}` : '';
}

/** The shortlist query for the API (GET /api/v1/shortlist). */
export function apiQuery(state) {
  const q = {
    k: state.k,
    method: state.method,
    normalisation: state.normalisation,
    spbe_direction: state.spbe_direction,
    stunting_weight: state.stunting_weight,
    spbe_weight: state.spbe_weight,
  };
  for (const key of ['stunting_year', 'spbe_year', 'min_spbe', 'max_per_province', 'min_per_province']) {
    if (state[key] !== '' && state[key] !== null && state[key] !== undefined) q[key] = state[key];
  }
  if (state.include.length) q.include = state.include.join(',');
  if (state.exclude.length) q.exclude = state.exclude.join(',');
  if (Number(state.draws) > 0) {
    q.draws = state.draws;
    q.seed = state.seed;
  }
  return q;
}

const num = (v) => (v === '' || v === null || v === undefined ? null : Number(v));

/** A manual decision as the API takes it: `{code, reason}` when a reason was written. */
const decided = (state) => (code) => {
  const reason = (state.reasons?.[code] || '').trim();
  return reason ? { code, reason } : code;
};

/** The scenario body for POST /api/v1/rankings, with the run's title and notes. */
export function rankingBody(state, { title = '', notes = '' } = {}) {
  return {
    title: title.trim() || null,
    notes: notes.trim() || null,
    method: state.method,
    weights: { stunting: Number(state.stunting_weight), spbe: Number(state.spbe_weight) },
    normalisation: state.normalisation,
    spbe_direction: state.spbe_direction,
    k: Number(state.k),
    constraints: {
      min_spbe: num(state.min_spbe),
      max_per_province: num(state.max_per_province),
      min_per_province: num(state.min_per_province),
      include: state.include.map(decided(state)),
      exclude: state.exclude.map(decided(state)),
    },
    uncertainty: Number(state.draws) > 0 ? { draws: Number(state.draws), seed: Number(state.seed) } : null,
    stunting_year: num(state.stunting_year),
    spbe_year: num(state.spbe_year),
  };
}

/** The scenario of a saved run's `params`, so its controls show what it was computed with. */
export function fromParams(params) {
  const c = params.constraints || {};
  const u = params.uncertainty;
  const blank = (v) => (v === null || v === undefined ? '' : v);
  return {
    method: params.method,
    stunting_weight: params.weights.stunting,
    spbe_weight: params.weights.spbe,
    normalisation: params.normalisation,
    spbe_direction: params.spbe_direction,
    k: params.k,
    min_spbe: blank(c.min_spbe),
    max_per_province: blank(c.max_per_province),
    min_per_province: blank(c.min_per_province),
    include: (c.include || []).map(codeOf),
    exclude: (c.exclude || []).map(codeOf),
    reasons: Object.fromEntries(
      [...(c.include || []), ...(c.exclude || [])].filter((e) => typeof e !== 'string' && e.reason).map((e) => [e.code, e.reason]),
    ),
    draws: u ? u.draws : 0,
    seed: u ? u.seed : DEFAULTS.seed,
    stunting_year: blank(params.stunting_year),
    spbe_year: blank(params.spbe_year),
  };
}
