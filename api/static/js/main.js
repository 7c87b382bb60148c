// The page's conductor: reads the state from the URL, asks the API, and hands the answers to
// the views (one module each). Every view renders from `ctx` alone, so a reload or a copied
// link shows the same screen.

import * as api from './api.js';
import { byId, debounce, el, replace, setText } from './dom.js';
import { setLang, t, translatePage } from './i18n.js';
import { DEFAULTS, apiQuery, fromParams, readState, toSearch } from './state.js';
import * as scenario from './scenario.js';
import * as shortlist from './shortlist.js';
import * as district from './district.js';
import * as scatter from './scatter.js';
import * as quadrant from './quadrant.js';
import * as map from './map.js';
import * as provinces from './provinces.js';
import * as compare from './compare.js';
import * as evaluation from './evaluation.js';
import * as data from './data.js';
import * as print from './print.js';
import * as decision from './decision.js';
import * as penetapan from './penetapan.js';
import * as robustness from './robustness.js';
import { initDrawer, watchFrames } from './layout.js';

const VIEWS = {
  list: shortlist,
  evidence: scatter,
  quadrant,
  map,
  provinces,
  robustness,
  compare,
  evaluation,
  data,
  penetapan,
};

const ctx = {
  state: readState(window.location.search),
  result: null, // the shortlist preview or the saved run on screen (every joined district)
  analysis: null,
  robustness: null, // the answer of POST /api/v1/robustness for the scenario on screen
  datasets: [],
  provinces: [],
  loading: false,
  shown: null, // the scenario the list on screen was computed with
  stale: false, // the last refresh failed: the list on screen is the previous one
  change: null, // who entered and left against the list shown before: {entered, left: [district]}
  invalidFields: [], // labels of the scenario fields holding an invalid value
  setInvalid,
  update,
  setView,
  refresh,
  reloadReference,
  openDistrict: (code) => district.open(ctx, code),
  writeUrl,
};

let sequence = 0;
const dirty = new Set(Object.keys(VIEWS));

/** Keeps the address bar equal to the screen. */
function writeUrl() {
  const search = toSearch(ctx.state);
  if (search !== window.location.search) window.history.replaceState(null, '', `${api.base}/${search}`);
}

/** Changes the state; a changed scenario leaves the saved run and previews the new list. */
function update(patch, { scenarioChanged = true } = {}) {
  // A saved run is a record: leaving it for a preview is said first, and can be declined.
  if (scenarioChanged && ctx.state.run && ctx.result?.kind === 'run') {
    if (!window.confirm(t('leave.confirm', { id: ctx.state.run }))) {
      scenario.render(ctx, { force: true });
      return;
    }
  }
  Object.assign(ctx.state, patch);
  if (scenarioChanged) ctx.state.run = '';
  writeUrl();
  if (scenarioChanged) debouncedRefresh();
}
const debouncedRefresh = debounce(() => refresh(), 200);

/** Says what failed (`key` names the action) with the API's message; null hides it. */
function showError(error, key = 'app.error') {
  const box = byId('error');
  if (!error) {
    box.hidden = true;
    return;
  }
  setText(box, t(key, { message: error.message, id: ctx.state.run }));
  box.hidden = false;
}

/** Which action failed when the list could not be refreshed. */
function refreshFailure(error) {
  if (ctx.state.run) return 'fail.run';
  if (error.code === 'infeasible_constraints') return 'fail.infeasible';
  return error.status === 400 || error.status === 422 ? 'fail.scenario' : 'fail.list';
}

/** Views drawn from the list on screen: greyed while it is the previous list. */
const LIST_VIEWS = ['summary', 'view-list', 'view-evidence', 'view-quadrant', 'view-map', 'view-provinces', 'view-robustness'];

/** The note above the list: kept after an invalid value, or the previous list after a failure. */
function renderNote() {
  const box = byId('list-note');
  const lines = [];
  if (ctx.stale) lines.push(t('stale.note'));
  if (ctx.invalidFields.length) lines.push(t('input.kept', { fields: ctx.invalidFields.join(', ') }));
  replace(box, lines.map((text) => el('p', { text })));
  box.hidden = !lines.length;
  for (const id of LIST_VIEWS) byId(id).classList.toggle('is-stale', ctx.stale);
}

function setInvalid(labels) {
  ctx.invalidFields = labels;
  renderNote();
}

/** Who entered and left the selection from the list `before` to `after`. */
function changeBetween(before, after) {
  const was = new Set(before.districts.filter((d) => d.selected).map((d) => d.code));
  const now = new Set(after.districts.filter((d) => d.selected).map((d) => d.code));
  return {
    entered: new Set([...now].filter((c) => !was.has(c))),
    left: before.districts.filter((d) => d.selected && !now.has(d.code)),
  };
}

/** Fetches the list on screen (a saved run, or a GET preview) and the correlation model. */
async function refresh() {
  const mine = ++sequence;
  ctx.loading = true;
  document.body.classList.add('is-loading');
  try {
    let result;
    let analysis;
    if (ctx.state.run) {
      const run = await api.ranking(ctx.state.run);
      Object.assign(ctx.state, fromParams(run.params));
      result = { ...run, kind: 'run', k: run.params.k };
      analysis = loadAnalysis(result.params);
    } else {
      result = { ...(await api.shortlist(apiQuery(ctx.state))), kind: 'preview' };
      // A preview's query carries codes only: the reasons typed here go with it on screen.
      for (const d of result.districts) {
        if (!d.reason && ctx.state.reasons?.[d.code] && d.selection_basis?.startsWith('forced')) d.reason = ctx.state.reasons[d.code];
      }
      // Asked for after the list so that, on a cold server, the list has the CPU first.
      analysis = loadAnalysis(ctx.state);
    }
    if (mine !== sequence) return;
    // The same list again (e.g. a preview saved as a run) keeps the marks of the last change.
    if (ctx.result && ctx.result.fingerprint !== result.fingerprint) ctx.change = changeBetween(ctx.result, result);
    ctx.result = result;
    ctx.shown = { ...ctx.state };
    ctx.stale = false;
    ctx.analysis = null;
    showError(null);
    renderNote();
    renderAll();
    ctx.analysis = await analysis;
    if (mine !== sequence) return;
    dirty.add('evidence');
    renderView(ctx.state.view);
    print.render(ctx, byId('print-doc'));
    if (ctx.state.district) district.open(ctx, ctx.state.district);
    // The robustness line of the print (the view shows the same answer when it is open).
    robustness.load(ctx).then(() => {
      if (mine !== sequence) return;
      dirty.add('robustness');
      renderView(ctx.state.view);
      print.render(ctx, byId('print-doc'));
    });
  } catch (error) {
    if (mine !== sequence) return;
    showError(error, refreshFailure(error));
    // The list on screen no longer matches the controls: greyed, and said so on screen and in print.
    ctx.stale = Boolean(ctx.result);
    renderNote();
    if (ctx.result) print.render(ctx, byId('print-doc'));
  } finally {
    if (mine === sequence) {
      ctx.loading = false;
      document.body.classList.remove('is-loading');
    }
  }
}

/** The correlation model for the data years of a scenario; null when it cannot be fitted. */
function loadAnalysis(params) {
  const years = {};
  if (params.stunting_year) years.stunting_year = params.stunting_year;
  if (params.spbe_year) years.spbe_year = params.spbe_year;
  return api.analysis(years).catch((error) => ({ failed: true, message: error.message }));
}

/** Datasets and provinces: loaded at start and after an upload. */
async function reloadReference() {
  const [datasets, provs] = await Promise.all([api.datasets(), api.provinces()]);
  ctx.datasets = datasets;
  ctx.provinces = provs;
  scenario.render(ctx);
  dirty.add('map').add('data');
  renderView(ctx.state.view);
}

function renderView(name) {
  const view = VIEWS[name];
  if (!view || !dirty.has(name)) return;
  if (!['compare', 'evaluation', 'data', 'penetapan'].includes(name) && !ctx.result) return;
  dirty.delete(name);
  view.render(ctx, byId(`view-${name}`));
}

function renderAll() {
  for (const name of Object.keys(VIEWS)) dirty.add(name);
  byId('demo-banner').hidden = !(ctx.result && (ctx.result.demo || ctx.result.datasets.some((d) => d.demo)));
  scenario.render(ctx);
  decision.renderStatus(ctx, byId('status-bar'));
  decision.renderWorkflow(ctx, byId('workflow')).catch(showError);
  shortlist.renderSummary(ctx, byId('summary'));
  renderView(ctx.state.view);
  print.render(ctx, byId('print-doc'));
}

/** Shows one tab panel. */
function setView(name, { focus = false } = {}) {
  if (!VIEWS[name]) name = 'list';
  if (name === 'penetapan') dirty.add('penetapan');
  ctx.state.view = name;
  writeUrl();
  for (const tab of document.querySelectorAll('[role=tab]')) {
    const on = tab.dataset.view === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    if (on && focus) tab.focus();
  }
  for (const key of Object.keys(VIEWS)) byId(`view-${key}`).hidden = key !== name;
  renderView(name);
}

function wireTabs() {
  const tabs = [...document.querySelectorAll('[role=tab]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => setView(tab.dataset.view));
    tab.addEventListener('keydown', (event) => {
      const i = tabs.indexOf(tab);
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) {
        event.preventDefault();
        setView(tabs[(i + step + tabs.length) % tabs.length].dataset.view, { focus: true });
      }
    });
  }
}

function switchLanguage() {
  ctx.state.lang = ctx.state.lang === 'en' ? 'id' : 'en';
  setLang(ctx.state.lang);
  translatePage();
  writeUrl();
  if (ctx.result) renderAll();
  else scenario.render(ctx);
  if (district.isOpen()) district.open(ctx, ctx.state.district);
}

function boot() {
  setLang(ctx.state.lang);
  translatePage();
  wireTabs();
  byId('lang-toggle').addEventListener('click', switchLanguage);
  byId('print-button').addEventListener('click', () => window.print());
  byId('print-annex-button').addEventListener('click', () => print.printAnnex());
  decision.renderStatus(ctx, byId('status-bar'));
  district.init(ctx);
  initDrawer();
  watchFrames(document.body);
  setView(ctx.state.view);
  scenario.render(ctx);
  reloadReference().catch(showError);
  refresh();
}

// Exposed for the browser tests and for curious planners in the console; read-only use.
window.lokus = { ctx, DEFAULTS };
boot();
