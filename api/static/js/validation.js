// The validation table of the upload flow: before a file is sent, the API validates it
// (POST /api/v1/datasets/validate, nothing written) and every name it does not know is shown with
// the districts it may mean, best first. Picking one saves it as an alias (POST /api/v1/aliases,
// audited) and validates again; once every name is known the upload proceeds. Suggestions are
// never taken without a pick.

import * as api from './api.js';
import { el, replace } from './dom.js';
import { int, num, t } from './i18n.js';

/** A candidate the user may pick: a look-alike (score below 1). Exact candidates (score 1) are
 * the districts an ambiguous name may mean; an alias cannot settle those (a kind or code column
 * does), so they are shown without a choice. */
const pickable = (candidate) => candidate.score < 1;

function choiceCell(row) {
  const options = row.candidates.filter(pickable);
  if (!options.length) {
    return el(
      'td',
      {},
      el('p', { class: 'note', text: t('validation.ambiguous') }),
      el('ul', {}, row.candidates.map((c) => el('li', { text: `${c.code} ${c.name} (${c.province_name})` }))),
    );
  }
  const select = el(
    'select',
    { class: 'candidate', 'data-line': row.line, 'aria-label': t('validation.choice_for', { name: row.input.name ?? '' }) },
    el('option', { value: '', text: t('validation.pick') }),
    options.map((c) =>
      el('option', { value: c.code, text: `${c.name} (${c.province_name}) · ${t('validation.score', { score: num(c.score * 100, 0) })}` }),
    ),
  );
  return el('td', {}, select);
}

function table(rows) {
  const head = ['validation.line', 'validation.name', 'validation.province', 'validation.choice'];
  return el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      { id: 'validation-table' },
      el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
      el(
        'tbody',
        {},
        rows.map((r) =>
          el(
            'tr',
            { 'data-line': r.line },
            el('td', { class: 'num', text: r.line }),
            el('td', { text: r.input.name ?? r.input.code ?? '—' }),
            el('td', { text: r.input.province ?? '—' }),
            choiceCell(r),
          ),
        ),
      ),
    ),
  );
}

/**
 * Validates an upload before it is sent. Resolves true when the upload may go on: every name is
 * known, or what is left is nothing a pick can fix (the upload then reports it as before);
 * false when the user cancels.
 */
export function gate({ params, file, token, root }) {
  return new Promise((resolve) => {
    const done = (go) => {
      if (!go) replace(root, el('p', { class: 'note', text: t('validation.cancelled') }));
      resolve(go);
    };
    const check = async (notice) => {
      replace(root, el('p', { class: 'note', text: t('validation.checking') }));
      let v;
      try {
        v = await api.validateDataset({ ...params, file, token });
      } catch {
        // A request the upload would refuse as a whole: the upload says why.
        return done(true);
      }
      const unknown = v.resolutions.filter((r) => !r.code && r.candidates.length);
      if (v.valid || !unknown.some((r) => r.candidates.some(pickable))) return done(true);
      const resolved = v.resolutions.filter((r) => r.code).length;
      const save = el('button', { type: 'button', class: 'primary', id: 'validation-save', text: t('validation.save') });
      const cancel = el('button', { type: 'button', id: 'validation-cancel', text: t('validation.cancel') });
      const message = el('div', { 'aria-live': 'polite' }, notice || null);
      const others = v.errors.length - unknown.length;
      replace(
        root,
        el(
          'section',
          { class: 'validation', id: 'validation', 'aria-labelledby': 'validation-title' },
          el('h3', { id: 'validation-title', text: t('validation.title') }),
          el('p', { id: 'validation-summary', text: t('validation.summary', { resolved: int(resolved), rows: int(v.rows), unknown: int(unknown.length) }) }),
          el('p', { class: 'note', text: t('validation.help') }),
          table(unknown),
          others > 0 ? el('p', { class: 'note', text: t('validation.others', { n: int(others) }) }) : null,
          message,
          el('div', { class: 'actions' }, save, cancel),
        ),
      );
      cancel.addEventListener('click', () => done(false));
      save.addEventListener('click', async () => {
        const byName = new Map();
        for (const select of root.querySelectorAll('select.candidate')) {
          const row = unknown.find((r) => String(r.line) === select.dataset.line);
          if (select.value && row?.input.name) byName.set(row.input.name, select.value);
        }
        if (!byName.size) return replace(message, el('p', { class: 'alert', text: t('validation.none_picked') }));
        save.disabled = true;
        try {
          await api.saveAliases([...byName].map(([alias, code]) => ({ alias, code })), token);
        } catch (error) {
          save.disabled = false;
          return replace(message, el('p', { class: 'alert', text: error.message }));
        }
        await check(el('p', { class: 'ok', text: t('validation.saved', { n: int(byName.size) }) }));
      });
    };
    check();
  });
}
