// Data panel: the datasets behind the list on screen, and an upload form for editors that shows
// either the new dataset or every bad row exactly as the API reports it.

import * as api from './api.js';
import * as validation from './validation.js';
import { el, replace } from './dom.js';
import * as review from './review.js';
import { dateTime, int, t } from './i18n.js';
import { actorWord, datasetWord, kindWord, sourceWord } from './words.js';

const KINDS = ['stunting', 'spbe', 'covariate', 'population', 'regions', 'boundaries'];
const TEMPLATE_KINDS = ['stunting', 'spbe', 'covariate', 'population', 'regions'];
const TOKEN_KEY = 'lokus.editor_token';
/** What the file picker offers: every format the upload takes (CSV, Excel, JSON, GeoJSON). */
const ACCEPT = [
  '.csv',
  '.xlsx',
  '.json',
  '.geojson',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/json',
  'application/geo+json',
].join(',');

export function datasetTable(datasets, id = 'datasets-table', { fullHash = false } = {}) {
  const head = ['data.kind', 'data.year', 'data.source', 'data.rows', 'data.sha256', 'data.imported', 'data.by', 'data.demo'];
  return el(
    'table',
    { id },
    el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
    el(
      'tbody',
      {},
      datasets.map((d) =>
        el(
          'tr',
          {},
          el('td', { text: datasetWord(d) }),
          el('td', { text: d.year ?? '—' }),
          el('td', { text: sourceWord(d.source) }),
          el('td', { class: 'num', text: int(d.row_count) }),
          el('td', { class: 'mono hash', title: d.sha256, text: fullHash ? d.sha256 : `${d.sha256.slice(0, 16)}…` }),
          el('td', { text: dateTime(d.imported_at) }),
          el('td', { text: actorWord(d.imported_by) }),
          el('td', { text: t(d.demo ? 'data.yes' : 'data.no') }),
        ),
      ),
    ),
  );
}

function rowErrors(error) {
  return el(
    'div',
    { class: 'alert', id: 'upload-errors' },
    el('p', { text: t('data.rejected', { message: error.message }) }),
    error.details.length
      ? el(
          'table',
          {},
          el('thead', {}, el('tr', {}, ['data.line', 'data.column', 'data.message', 'data.candidates'].map((k) => el('th', { scope: 'col', text: t(k) })))),
          el(
            'tbody',
            {},
            error.details.map((row) =>
              el(
                'tr',
                {},
                el('td', { class: 'num', text: row.line ?? '—' }),
                el('td', { class: 'mono', text: row.field ?? row.column ?? '—' }),
                el('td', { text: row.message }),
                el('td', {}, row.candidates?.length ? el('ul', {}, row.candidates.map((c) => el('li', { text: c }))) : '—'),
              ),
            ),
          ),
        )
      : null,
  );
}

function uploadForm(ctx) {
  const kind = el('select', { id: 'upload-kind', name: 'kind' }, KINDS.map((k) => el('option', { value: k, text: kindWord(k) })));
  const year = el('input', { type: 'number', id: 'upload-year', name: 'year', min: 2000, max: 2100 });
  const source = el('input', { type: 'text', id: 'upload-source', name: 'source' });
  const indicator = el('input', { type: 'text', id: 'upload-indicator', name: 'indicator' });
  const token = el('input', { type: 'password', id: 'upload-token', autocomplete: 'off' });
  if (sessionStorage.getItem(TOKEN_KEY)) token.placeholder = '••••••••';
  const file = el('input', { type: 'file', id: 'upload-file', class: 'sr-only', accept: ACCEPT });
  const fileName = el('span', { class: 'note' });
  const drop = el('label', { class: 'drop' }, file, el('span', { text: t('data.drop') }), ' ', fileName);
  let dropped = null;
  file.addEventListener('change', () => {
    dropped = null;
    fileName.textContent = file.files[0]?.name || '';
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    dropped = e.dataTransfer.files[0] || null;
    fileName.textContent = dropped?.name || '';
  });
  const out = el('div', { id: 'upload-result', 'aria-live': 'polite' });
  const submit = el('button', { type: 'submit', class: 'primary', id: 'upload-submit', text: t('data.upload') });
  const form = el(
    'form',
    { class: 'upload-form', id: 'upload-form' },
    el('label', { class: 'field' }, el('span', { text: t('data.kind') }), kind),
    el('label', { class: 'field' }, el('span', { text: t('data.year') }), year),
    el('label', { class: 'field' }, el('span', { text: t('data.source') }), source),
    el('label', { class: 'field' }, el('span', { text: t('data.indicator') }), indicator),
    el('div', { class: 'field wide' }, el('span', { text: t('data.file') }), drop),
    el('label', { class: 'field' }, el('span', { text: t('scenario.token') }), token),
    el('div', { class: 'field' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = dropped || file.files[0];
    const secret = token.value.trim() || sessionStorage.getItem(TOKEN_KEY) || '';
    if (!chosen) return replace(out, el('p', { class: 'alert', text: t('data.need_file') }));
    if (!secret) return replace(out, el('p', { class: 'alert', text: t('scenario.need_token') }));
    sessionStorage.setItem(TOKEN_KEY, secret);
    token.value = '';
    token.placeholder = '••••••••';
    submit.disabled = true;
    replace(out, el('p', { class: 'note', text: t('data.uploading') }));
    try {
      const params = { kind: kind.value, year: year.value, source: source.value, indicator: indicator.value };
      if (!(await validation.gate({ params, file: chosen, token: secret, root: out }))) return;
      replace(out, el('p', { class: 'note', text: t('data.uploading') }));
      const before = ctx.datasets.map((d) => d.id);
      const d = await api.uploadDataset({ kind: kind.value, year: year.value, source: source.value, indicator: indicator.value, file: chosen, token: secret });
      const fresh = !before.includes(d.id);
      replace(
        out,
        el(
          'div',
          { class: 'ok', id: 'upload-ok' },
          el('p', { text: fresh ? t('data.uploaded', { id: d.id, kind: kindWord(d.kind), year: d.year ?? '', rows: int(d.row_count) }) : t('data.unchanged', { id: d.id }) }),
          d.status === 'staged' ? el('p', { class: 'note', id: 'upload-staged', text: t('desk.staged_note') }) : null,
          datasetTable([d], 'upload-dataset'),
        ),
      );
      await review.staged(d);
    } catch (error) {
      replace(out, error.details ? rowErrors(error) : el('p', { class: 'alert', text: error.message }));
    } finally {
      submit.disabled = false;
    }
  });
  return [form, out];
}

let uploadParts = null;
let uploadLang = null;

export function render(ctx, root) {
  // The form keeps its state (and its result) across re-renders of the same language.
  if (!uploadParts || uploadLang !== document.documentElement.lang) {
    uploadParts = uploadForm(ctx);
    uploadLang = document.documentElement.lang;
  }
  const inUse = ctx.result ? ctx.result.datasets : [];
  replace(
    root,
    el('h2', { text: t('data.title') }),
    el('div', { class: 'table-wrap' }, datasetTable(inUse)),
    el('h2', { class: 'spaced', text: t('data.upload_title') }),
    el('p', { class: 'note', text: t('data.upload_help') }),
    uploadParts,
    review.desk(ctx),
    el('h3', { text: t('data.templates') }),
    el(
      'ul',
      { id: 'templates' },
      TEMPLATE_KINDS.map((k) =>
        el(
          'li',
          {},
          `${t('data.template', { kind: kindWord(k) })}: `,
          el('a', { href: api.templateUrl(k), download: `lokus-${k}.csv`, text: t('data.template_csv') }),
          ' · ',
          el('a', { href: api.templateUrl(k, 'xlsx'), download: `lokus-${k}.xlsx`, text: t('data.template_xlsx') }),
        ),
      ),
    ),
  );
}
