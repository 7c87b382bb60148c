// Scenario panel: every control of the ranking. Changing one previews the list (GET, nothing
// saved); "Simpan run" saves it with the editor token kept in sessionStorage. A typed number
// applies once it is complete and valid (on change or blur): an invalid one is marked with
// what is expected, and the list stays as it was.

import * as api from './api.js';
import { debounce, el, replace, setText } from './dom.js';
import { dateTime, int, lang, num, t } from './i18n.js';
import { DEFAULTS, rankingBody } from './state.js';
import { fillTradeoff, tradeoffNote } from './equity.js';

export const TOKEN_KEY = 'lokus.editor_token';
const names = new Map(); // code → "name (province)" of districts picked in a search box
let builtFor = null; // language the panel was built in
let controls = {};
const invalid = new Map(); // name → label key of the number fields holding an invalid value

/** The API's limit on k and the per-province counts (MAX_DISTRICTS). */
const MAX_DISTRICTS = 514;

/** What each number field accepts, as the API states it; k is also at most the ranked districts. */
const NUMBER_FIELDS = {
  k: { label: 'scenario.k', integer: true, min: 1, max: (ctx) => Math.min(MAX_DISTRICTS, ctx.result?.districts.length || MAX_DISTRICTS), required: true },
  min_spbe: { label: 'scenario.min_spbe', min: 1, max: () => 5, example: 2.5 },
  max_per_province: { label: 'scenario.max_per_province', integer: true, min: 1, max: () => MAX_DISTRICTS },
  min_per_province: { label: 'scenario.min_per_province', integer: true, min: 0, max: () => MAX_DISTRICTS },
  draws: { label: 'scenario.draws', integer: true, min: 0, max: () => 5000, required: true },
  seed: { label: 'scenario.seed', integer: true, min: 0, max: () => Number.MAX_SAFE_INTEGER, required: true },
};

/**
 * A number as a person types it in the page's language: 2,5 or 2.5 in Indonesian, 2.5 in
 * English; thousands may carry the group separator (1.000 / 1,000). Null when empty, NaN when
 * it is not a number.
 */
export function parseNumber(text, language) {
  const s = String(text).replace(/[\s\u00a0]/g, '');
  if (s === '') return null;
  const [group, decimal] = language === 'en' ? [',', '.'] : ['.', ','];
  let plain = s;
  if (new RegExp(`^\\d{1,3}(\\${group}\\d{3})+(\\${decimal}\\d+)?$`).test(s)) plain = s.split(group).join('');
  if (language !== 'en') plain = plain.replace(',', '.');
  return /^-?(\d+\.?\d*|\.\d+)$/.test(plain) ? Number(plain) : NaN;
}

/** A state value as the field shows it (decimal comma in Indonesian, no grouping). */
const display = (value) => (value === '' || value === null || value === undefined ? '' : lang() === 'en' ? String(value) : String(value).replace('.', ','));

const field = (labelKey, control, extra) =>
  el('label', { class: 'field' }, el('span', { text: t(labelKey) }), control, extra);

function select(name, options, ctx) {
  const node = el('select', { name, id: `sc-${name}` });
  for (const [value, label] of options) node.append(el('option', { value, text: label }));
  node.addEventListener('change', () => ctx.update({ [name]: node.value }));
  return node;
}

/** What a number field expects, in words. */
function expected(name, ctx) {
  const spec = NUMBER_FIELDS[name];
  const max = spec.max(ctx);
  const vars = { min: int(spec.min), max: max === Number.MAX_SAFE_INTEGER ? '' : int(max), example: num(spec.example ?? 0, 1) };
  let text;
  if (name === 'k') text = t('input.k_range', vars);
  else if (max === Number.MAX_SAFE_INTEGER) text = t('input.integer_min', vars);
  else text = t(spec.integer ? 'input.integer_range' : 'input.number_range', vars);
  return spec.required ? text : `${text} ${t('input.or_empty')}`;
}

/** Tells main.js which fields hold an invalid value, so the list can say it was kept. */
const reportInvalid = (ctx) => ctx.setInvalid([...invalid.values()].map((key) => t(key)));

function markField(name, message) {
  const node = controls[name];
  const box = controls[`${name}_error`];
  if (message) {
    node.setAttribute('aria-invalid', 'true');
    setText(box, message);
    box.hidden = false;
  } else {
    node.removeAttribute('aria-invalid');
    setText(box, '');
    box.hidden = true;
  }
}

/** Applies a typed number when it is valid; otherwise marks the field and keeps the state. */
function commit(name, ctx) {
  const spec = NUMBER_FIELDS[name];
  const node = controls[name];
  const value = parseNumber(node.value, lang());
  const ok =
    value === null
      ? !spec.required
      : Number.isFinite(value) && (!spec.integer || Number.isInteger(value)) && value >= spec.min && value <= spec.max(ctx);
  if (!ok) {
    invalid.set(name, spec.label);
    markField(name, expected(name, ctx));
    reportInvalid(ctx);
    return;
  }
  const wasInvalid = invalid.delete(name);
  markField(name, null);
  if (wasInvalid) reportInvalid(ctx);
  const next = value === null ? '' : value;
  node.value = display(next);
  if (String(next) !== String(ctx.state[name])) ctx.update({ [name]: next });
}

/** A number field: text with a numeric keyboard, so the decimal comma is kept as typed. */
function numberInput(name, ctx) {
  const spec = NUMBER_FIELDS[name];
  const node = el('input', {
    type: 'text',
    name,
    id: `sc-${name}`,
    inputmode: spec.integer ? 'numeric' : 'decimal',
    autocomplete: 'off',
    'aria-describedby': `sc-${name}-error`,
    required: spec.required || null,
    placeholder: spec.required ? null : t('scenario.none'),
  });
  node.addEventListener('change', () => commit(name, ctx));
  node.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') commit(name, ctx);
  });
  controls[`${name}_error`] = el('p', { class: 'field-error', id: `sc-${name}-error`, hidden: true });
  return node;
}

/** A number field with its label above and its message below. */
const numberField = (name, ctx) => {
  const node = numberInput(name, ctx);
  controls[name] = node;
  return el('div', { class: 'field' }, el('span', {}, el('label', { for: `sc-${name}`, text: t(NUMBER_FIELDS[name].label) })), node, controls[`${name}_error`]);
};

const round2 = (x) => Math.round(x * 100) / 100;

function weights(ctx) {
  const stunting = el('input', { type: 'range', id: 'sc-stunting_weight', min: 0, max: 1, step: 0.05, name: 'stunting_weight' });
  const spbe = el('input', { type: 'range', id: 'sc-spbe_weight', min: 0, max: 1, step: 0.05, name: 'spbe_weight' });
  const outS = el('output', { class: 'weight-value', for: 'sc-stunting_weight' });
  const outD = el('output', { class: 'weight-value', for: 'sc-spbe_weight' });
  // The two sliders are linked: moving one moves the other so the sum stays 1. The values
  // follow the pointer; the list follows once the slider is let go (change).
  const link = (from, to) => {
    const patch = () => {
      const v = round2(Number(from.value));
      to.value = String(round2(1 - v));
      return from === stunting ? { stunting_weight: v, spbe_weight: round2(1 - v) } : { spbe_weight: v, stunting_weight: round2(1 - v) };
    };
    from.addEventListener('input', () => {
      const p = patch();
      setText(outS, num(p.stunting_weight, 2));
      setText(outD, num(p.spbe_weight, 2));
    });
    from.addEventListener('change', () => ctx.update(patch()));
  };
  link(stunting, spbe);
  link(spbe, stunting);
  const box = el(
    'fieldset',
    { id: 'sc-weights' },
    el('legend', { text: t('scenario.weights') }),
    el('div', { class: 'field' }, el('span', {}, el('label', { for: 'sc-stunting_weight', text: t('scenario.weight_stunting') }), ' ', outS), stunting),
    el('div', { class: 'field' }, el('span', {}, el('label', { for: 'sc-spbe_weight', text: t('scenario.weight_spbe') }), ' ', outD), spbe),
    el('p', { class: 'note', text: t('scenario.weights_note') }),
  );
  const none = el('p', { class: 'note', id: 'sc-no-weights', text: t('input.no_weights'), hidden: true });
  controls.weights = { stunting, spbe, outS, outD, box, none };
  return [box, none];
}

/** Only the composite method weighs; the others hide the sliders (and leave the tab order). */
function showWeights(method) {
  const composite = method === 'composite';
  controls.weights.box.hidden = !composite;
  controls.weights.none.hidden = composite;
}

/** A search-as-you-type box that adds districts to `include` or `exclude`. */
function picker(which, ctx) {
  const listId = `sc-${which}-list`;
  const input = el('input', {
    type: 'search',
    id: `sc-${which}`,
    role: 'combobox',
    'aria-expanded': 'false',
    'aria-controls': listId,
    'aria-autocomplete': 'list',
    autocomplete: 'off',
    placeholder: t('scenario.search_placeholder'),
  });
  const list = el('ul', { id: listId, role: 'listbox', hidden: true });
  const chips = el('div', { class: 'chips', 'aria-live': 'polite' });
  let options = [];
  let active = -1;
  let controller;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0 && list.children[i]) input.setAttribute('aria-activedescendant', list.children[i].id);
  };
  const pick = (region) => {
    names.set(region.code, region.name);
    const other = which === 'include' ? 'exclude' : 'include';
    const patch = {
      [which]: [...new Set([...ctx.state[which], region.code])],
      [other]: ctx.state[other].filter((c) => c !== region.code),
    };
    input.value = '';
    close();
    ctx.update(patch);
    syncChips(ctx);
  };
  const search = debounce(async () => {
    const q = input.value.trim();
    if (!q) return close();
    controller?.abort();
    controller = new AbortController();
    try {
      options = await api.regions(q, controller.signal);
    } catch {
      return;
    }
    replace(
      list,
      options.length
        ? options.map((r, i) =>
            el(
              'li',
              { role: 'option', id: `${listId}-${i}`, 'aria-selected': 'false', on: { mousedown: (e) => { e.preventDefault(); pick(r); } } },
              `${r.name} (${r.code})`,
              el('small', { text: r.province_name }),
            ),
          )
        : [el('li', { role: 'option', 'aria-disabled': 'true', text: t('scenario.no_match') })],
    );
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(options.length ? 0 : -1);
  }, 150);
  input.addEventListener('input', search);
  input.addEventListener('blur', () => setTimeout(close, 150));
  input.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'ArrowDown') highlight(Math.min(active + 1, options.length - 1));
    else if (event.key === 'ArrowUp') highlight(Math.max(active - 1, 0));
    else if (event.key === 'Enter' && active >= 0 && options[active]) pick(options[active]);
    else if (event.key === 'Escape') close();
    else return;
    event.preventDefault();
  });
  controls[which] = chips;
  const label = which === 'include' ? 'scenario.search_include' : 'scenario.search_exclude';
  return el(
    'div',
    { class: 'field' },
    el('label', { for: `sc-${which}`, text: t(which === 'include' ? 'scenario.include' : 'scenario.exclude') }),
    chips,
    el('div', { class: 'combo' }, input, list),
    el('span', { class: 'note', id: `sc-${which}-help`, text: t(label) }),
  );
}

function nameOf(ctx, code) {
  const d = ctx.result?.districts.find((x) => x.code === code);
  return d ? d.name : names.get(code) || code;
}

function syncChips(ctx) {
  for (const which of ['include', 'exclude']) {
    replace(
      controls[which],
      ctx.state[which].map((code) => {
        // The committee's reason for this manual decision (needed to propose the run).
        const reason = el('input', {
          type: 'text',
          class: 'reason',
          id: `sc-reason-${which}-${code}`,
          maxlength: 1000,
          value: ctx.state.reasons?.[code] || '',
          placeholder: t('scenario.reason_placeholder'),
          'aria-label': t('scenario.reason_for', { name: nameOf(ctx, code) }),
        });
        reason.addEventListener('change', () => {
          ctx.update({ reasons: { ...ctx.state.reasons, [code]: reason.value.trim() } });
        });
        return el(
          'div',
          { class: 'chip decision' },
          el(
            'div',
            { class: 'chip-head' },
            el('span', { text: `${nameOf(ctx, code)} (${code})` }),
            el('button', {
              type: 'button',
              'aria-label': t('scenario.remove', { name: nameOf(ctx, code) }),
              text: '×',
              on: { click: () => ctx.update({ [which]: ctx.state[which].filter((c) => c !== code) }) },
            }),
          ),
          reason,
        );
      }),
    );
  }
}

function yearOptions(ctx, kind) {
  const years = [...new Set(ctx.datasets.filter((d) => d.kind === kind && d.year && d.indicator !== 'evaluation_only').map((d) => d.year))].sort((a, b) => b - a);
  return [['', t('scenario.latest')], ...years.map((y) => [String(y), String(y)])];
}

function fillSelect(node, options, value) {
  const wanted = String(value ?? '');
  if (node.options.length !== options.length || [...node.options].some((o, i) => o.value !== options[i][0])) {
    replace(node, options.map(([v, label]) => el('option', { value: v, text: label })));
  }
  node.value = options.some(([v]) => v === wanted) ? wanted : '';
}

async function save(ctx) {
  const token = controls.token.value.trim() || sessionStorage.getItem(TOKEN_KEY) || '';
  if (!token) {
    setText(controls.status, t('scenario.need_token'));
    controls.token.focus();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  controls.token.value = '';
  controls.token.placeholder = '••••••••';
  controls.save.disabled = true;
  controls.saveError.hidden = true;
  setText(controls.status, t('scenario.saving'));
  try {
    const run = await api.saveRanking(rankingBody(ctx.state, { title: controls.title.value, notes: controls.notes.value }), token);
    controls.title.value = '';
    controls.notes.value = '';
    ctx.state.run = String(run.id);
    ctx.writeUrl();
    setText(controls.status, t('scenario.saved', { id: run.id }));
    await ctx.refresh();
  } catch (error) {
    setText(controls.status, statusLine(ctx));
    setText(controls.saveError, t('fail.save', { message: error.message }));
    controls.saveError.hidden = false;
  } finally {
    controls.save.disabled = false;
  }
}

function build(ctx, root) {
  controls = {};
  const c = controls;
  c.method = select('method', ['composite', 'need', 'residual'].map((m) => [m, t(`method.${m}`)]), ctx);
  c.method.addEventListener('change', () => showWeights(ctx.state.method));
  c.normalisation = select('normalisation', ['min_max', 'z_score', 'goalposts'].map((m) => [m, t(`norm.${m}`)]), ctx);
  c.spbe_direction = select('spbe_direction', ['higher_is_priority', 'lower_is_priority'].map((m) => [m, t(`dir.${m}`)]), ctx);
  c.tradeoff = tradeoffNote();
  invalid.clear();
  const n = Object.fromEntries(Object.keys(NUMBER_FIELDS).map((name) => [name, numberField(name, ctx)]));
  c.stunting_year = select('stunting_year', [], ctx);
  c.spbe_year = select('spbe_year', [], ctx);
  c.token = el('input', { type: 'password', id: 'sc-token', autocomplete: 'off', 'aria-describedby': 'sc-token-help' });
  c.title = el('input', { type: 'text', id: 'sc-title', maxlength: 200, autocomplete: 'off' });
  c.notes = el('textarea', { id: 'sc-notes', maxlength: 5000, rows: 2 });
  c.save = el('button', { type: 'submit', class: 'primary', id: 'save-run', text: t('scenario.save') });
  c.status = el('p', { class: 'status', role: 'status', id: 'scenario-status' });
  c.saveError = el('p', { class: 'alert', role: 'alert', id: 'save-error', hidden: true });
  const reset = el('button', {
    type: 'button',
    class: 'secondary',
    text: t('scenario.reset'),
    on: {
      click: () => {
        for (const name of invalid.keys()) markField(name, null);
        invalid.clear();
        reportInvalid(ctx);
        ctx.update({ ...DEFAULTS, include: [], exclude: [] });
        render(ctx, { force: true });
      },
    },
  });
  const forget = el('button', {
    type: 'button',
    class: 'secondary',
    text: t('scenario.token_forget'),
    on: {
      click: () => {
        sessionStorage.removeItem(TOKEN_KEY);
        c.token.placeholder = '';
      },
    },
  });
  if (sessionStorage.getItem(TOKEN_KEY)) c.token.placeholder = '••••••••';
  const saveForm = el(
    'form',
    { id: 'save-form' },
    el(
      'fieldset',
      {},
      el('legend', { text: t('scenario.save') }),
      el('input', { type: 'text', name: 'username', autocomplete: 'username', value: 'editor', hidden: true }),
      field('scenario.run_title', c.title),
      field('scenario.run_notes', c.notes),
      field('scenario.token', c.token, el('span', { class: 'note', id: 'sc-token-help', text: t('scenario.token_help') })),
      el('div', { class: 'actions' }, c.save, reset, forget),
      c.status,
      c.saveError,
    ),
  );
  saveForm.addEventListener('submit', (event) => {
    event.preventDefault();
    save(ctx);
  });

  replace(
    root,
    el('h2', { id: 'scenario-title', text: t('scenario.title') }),
    field('scenario.method', c.method),
    weights(ctx),
    el(
      'fieldset',
      {},
      el('legend', { text: t('scenario.normalisation') }),
      field('scenario.normalisation', c.normalisation),
      field('scenario.direction', c.spbe_direction),
      c.tradeoff,
      n.k,
    ),
    el(
      'fieldset',
      {},
      el('legend', { text: t('scenario.advanced') }),
      n.min_spbe,
      el('div', { class: 'row2' }, n.min_per_province, n.max_per_province),
      picker('include', ctx),
      picker('exclude', ctx),
    ),
    el(
      'fieldset',
      {},
      el('legend', { text: t('scenario.uncertainty') }),
      el('div', { class: 'row2' }, n.draws, n.seed),
    ),
    el(
      'fieldset',
      {},
      el('legend', { text: t('scenario.years') }),
      el('div', { class: 'row2' }, field('scenario.stunting_year', c.stunting_year), field('scenario.spbe_year', c.spbe_year)),
    ),
    saveForm,
  );
  builtFor = lang();
  reportInvalid(ctx);
}

/** What the status line under the save button says about the list on screen. */
function statusLine(ctx) {
  const r = ctx.result;
  if (!r) return '';
  return r.kind === 'run' ? t('scenario.viewing_run', { id: r.id, date: dateTime(r.created_at), by: r.created_by }) : t('scenario.preview');
}

/**
 * Builds the panel (once per language) and shows the state in it without stealing focus: the
 * field being typed in, and a field holding an invalid value, keep what was typed; `force`
 * (a declined change, a reset) shows the state everywhere.
 */
export function render(ctx, { force = false } = {}) {
  const root = document.getElementById('scenario');
  if (builtFor !== lang()) build(ctx, root);
  const s = ctx.state;
  const c = controls;
  for (const key of ['method', 'normalisation', 'spbe_direction']) {
    if (force || document.activeElement !== c[key]) c[key].value = String(s[key] ?? '');
  }
  for (const key of Object.keys(NUMBER_FIELDS)) {
    if (force || (document.activeElement !== c[key] && !invalid.has(key))) c[key].value = display(s[key]);
  }
  const w = c.weights;
  if (force || (document.activeElement !== w.stunting && document.activeElement !== w.spbe)) {
    w.stunting.value = String(s.stunting_weight);
    w.spbe.value = String(s.spbe_weight);
  }
  setText(w.outS, num(s.stunting_weight, 2));
  setText(w.outD, num(s.spbe_weight, 2));
  showWeights(s.method);
  fillSelect(c.stunting_year, yearOptions(ctx, 'stunting'), s.stunting_year);
  fillSelect(c.spbe_year, yearOptions(ctx, 'spbe'), s.spbe_year);
  syncChips(ctx);
  fillTradeoff(c.tradeoff, ctx);
  if (ctx.result && !c.save.disabled) setText(c.status, statusLine(ctx));
}
