// The steward's desk (in the Data view): staged uploads, the review of one of them (coverage,
// changes, distributions, outliers, effect on the default list) and the steward's decision,
// publish or reject. The server decides who may: an editor's token is answered 403, the
// uploader's own token 409 four_eyes, and the desk shows the answer as it comes.

import * as api from './api.js';
import { el, replace } from './dom.js';
import { dateTime, int, num, share, t } from './i18n.js';
import { actorWord, datasetWord, kindWord, sourceWord } from './words.js';

const STEWARD_KEY = 'lokus.steward_token';
const EDITOR_KEY = 'lokus.editor_token';

let deskRoot = null;
let reviewOut = null;
let statusOut = null;
let tokenInput = null;
let openId = null;
let deskCtx = null;
let deskLang = null;

const token = () => tokenInput?.value.trim() || sessionStorage.getItem(STEWARD_KEY) || sessionStorage.getItem(EDITOR_KEY) || '';

function remember() {
  const secret = tokenInput.value.trim();
  if (!secret) return;
  sessionStorage.setItem(STEWARD_KEY, secret);
  tokenInput.value = '';
  tokenInput.placeholder = '••••••••';
}

const districtList = (districts, id) =>
  districts.length
    ? el('ul', { class: 'desk-list', id }, districts.map((d) => el('li', { text: `${d.code} ${d.name} (${d.province_name})` })))
    : el('p', { class: 'note', text: '—' });

function folded(summary, count, body, id) {
  return el('details', { id }, el('summary', { text: `${summary}: ${int(count)}` }), body);
}

function table(id, head, rows) {
  return el(
    'div',
    { class: 'table-wrap desk-table' },
    el(
      'table',
      { id },
      el('thead', {}, el('tr', {}, head.map((k) => el('th', { scope: 'col', text: t(k) })))),
      el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', c))))),
    ),
  );
}

function coverageSection(review) {
  const c = review.coverage;
  return el(
    'section',
    { class: 'desk-part', id: 'review-coverage' },
    el('h4', { text: t('desk.coverage') }),
    el('p', { id: 'review-coverage-line', text: t('desk.coverage_line', { covered: int(c.covered), reference: int(c.reference), share: share(c.share, 1) }) }),
    c.live_covered === null ? null : el('p', { class: 'note', text: t('desk.live_covered', { n: int(c.live_covered) }) }),
    c.partial ? el('p', { class: 'alert', id: 'review-partial', text: t('desk.partial', { covered: int(review.dataset.row_count), live: int(c.live_covered) }) }) : null,
    folded(t('desk.missing'), c.missing.length, districtList(c.missing, 'review-missing-list'), 'review-missing'),
    folded(t('desk.added'), review.added.length, districtList(review.added, 'review-added-list'), 'review-added'),
    folded(t('desk.removed'), review.removed.length, districtList(review.removed, 'review-removed-list'), 'review-removed'),
  );
}

/** A value of the reviewed dataset: a population is a count of children, so it has no decimals. */
const valueOf = (review) => (review.dataset.kind === 'population' ? int : (v) => num(v, 2));

function changesSection(review) {
  const ch = review.changes;
  const value = valueOf(review);
  if (!ch) return null;
  return el(
    'section',
    { class: 'desk-part', id: 'review-changes' },
    el('h4', { text: t('desk.changes') }),
    el('p', { text: t('desk.changes_line', { changed: int(ch.changed), compared: int(ch.compared) }) }),
    ch.largest.length
      ? table(
          'review-changes-table',
          ['desk.district', 'desk.live', 'desk.staged', 'desk.difference'],
          ch.largest.map((x) => [
            { text: `${x.code} ${x.name}` },
            { class: 'num', text: value(x.live) },
            { class: 'num', text: value(x.staged) },
            { class: 'num', text: value(x.difference) },
          ]),
        )
      : null,
  );
}

function distributionSection(review) {
  const d = review.distributions;
  const value = valueOf(review);
  const row = (label, s) => [
    { text: t(label) },
    ...(s ? [s.n, s.min, s.q1, s.median, s.q3, s.max, s.mean] : [null, null, null, null, null, null, null]).map((v, i) => ({
      class: 'num',
      text: v === null ? '—' : i === 0 ? int(v) : value(v),
    })),
  ];
  if (!d.staged) return null;
  return el(
    'section',
    { class: 'desk-part', id: 'review-distribution' },
    el('h4', { text: t('desk.distribution') }),
    table(
      'review-distribution-table',
      ['desk.which', 'desk.n', 'desk.min', 'desk.q1', 'desk.median', 'desk.q3', 'desk.max', 'desk.mean'],
      [row('desk.staged', d.staged), row('desk.live', d.live)],
    ),
  );
}

function outlierSection(review) {
  const o = review.outliers;
  const value = valueOf(review);
  if (!o) return null;
  return el(
    'section',
    { class: 'desk-part', id: 'review-outliers' },
    el('h4', { text: t('desk.outliers') }),
    el('p', { class: 'note', text: t('desk.outlier_rule', { z: num(o.robust_z_limit, 1), jump: num(o.jump_limit, 0) }) }),
    o.districts.length
      ? table(
          'review-outliers-table',
          ['desk.district', 'desk.value', 'desk.robust_z', 'desk.previous', 'desk.rules'],
          o.districts.map((x) => [
            { text: `${x.code} ${x.name} (${x.province_name})` },
            { class: 'num', text: value(x.value) },
            { class: 'num', text: x.robust_z === null ? '—' : num(x.robust_z, 1) },
            { class: 'num', text: x.previous === null ? '—' : value(x.previous) },
            { text: x.rules.map((r) => t(`desk.rule.${r}`)).join(', ') },
          ]),
        )
      : el('p', { id: 'review-no-outliers', text: t('desk.no_outliers') }),
  );
}

function shortlistSection(review) {
  const s = review.shortlist;
  const fp = (f) => (f ? `${f.slice(0, 12)}…` : '—');
  const moves = (list, id, rank) =>
    list.length
      ? el('ul', { class: 'desk-list', id }, list.map((m) => el('li', { text: `#${m[rank] ?? '—'} ${m.code} ${m.name} (${m.province_name})` })))
      : el('p', { class: 'note', text: '—' });
  return el(
    'section',
    { class: 'desk-part', id: 'review-shortlist' },
    el('h4', { text: t('desk.shortlist') }),
    el('p', { id: 'review-shortlist-line', text: s.changed ? t('desk.shortlist_changes', { enter: int(s.entering.length), leave: int(s.leaving.length) }) : t('desk.shortlist_same') }),
    el('p', { class: 'note mono', text: t('desk.fingerprints', { before: fp(s.fingerprint_before), after: fp(s.fingerprint_after) }) }),
    s.error_before ? el('p', { class: 'note', text: t('desk.error_before', { message: s.error_before }) }) : null,
    s.error_after ? el('p', { class: 'note', text: t('desk.error_after', { message: s.error_after }) }) : null,
    folded(t('desk.entering'), s.entering.length, moves(s.entering, 'review-entering', 'rank_after'), 'review-entering-fold'),
    folded(t('desk.leaving'), s.leaving.length, moves(s.leaving, 'review-leaving', 'rank_before'), 'review-leaving-fold'),
  );
}

function decision(review) {
  const out = el('div', { id: 'review-decision-result', 'aria-live': 'polite' });
  const partial = el('input', { type: 'checkbox', id: 'review-acknowledge' });
  const reason = el('textarea', { id: 'review-reason', rows: 2, maxlength: 2000 });
  const publish = el('button', { type: 'button', class: 'primary', id: 'review-publish', text: t('desk.publish') });
  const reject = el('button', { type: 'button', class: 'secondary', id: 'review-reject', text: t('desk.reject') });
  const act = async (button, call) => {
    const secret = token();
    if (!secret) return replace(out, el('p', { class: 'alert', text: t('scenario.need_token') }));
    remember();
    // An earlier refusal must not stand for this attempt's answer while it is on its way.
    replace(out);
    button.disabled = true;
    try {
      const d = await call(secret);
      openId = null;
      replace(reviewOut);
      replace(statusOut, el('p', { class: 'ok', id: 'review-done', text: t(`desk.done.${d.status}`, { id: d.id }) }));
      await loadStaged();
      await deskCtx.reloadReference();
      await deskCtx.refresh();
    } catch (error) {
      replace(out, el('p', { class: 'alert', id: 'review-refused', text: t('desk.refused', { code: error.code, message: error.message }) }));
    } finally {
      button.disabled = false;
    }
  };
  publish.addEventListener('click', () => act(publish, (secret) => api.publishDataset(review.dataset.id, partial.checked, secret)));
  reject.addEventListener('click', () => {
    if (!reason.value.trim()) return replace(out, el('p', { class: 'alert', text: t('desk.need_reason') }));
    return act(reject, (secret) => api.rejectDataset(review.dataset.id, reason.value, secret));
  });
  return el(
    'section',
    { class: 'desk-part desk-decision', id: 'review-decision' },
    el('h4', { text: t('desk.decision') }),
    review.coverage.partial ? el('label', { class: 'check' }, partial, ' ', t('desk.acknowledge')) : null,
    el('div', { class: 'desk-actions' }, publish),
    el('label', { class: 'field' }, el('span', { text: t('desk.reason') }), reason),
    el('div', { class: 'desk-actions' }, reject),
    out,
  );
}

function showReview(review) {
  const d = review.dataset;
  const live = review.live;
  replace(
    reviewOut,
    el(
      'article',
      { class: 'review', id: 'review', dataset: { id: d.id } },
      el('h3', { text: t('desk.review_title', { id: d.id, kind: kindWord(d.kind), year: d.year ?? '', source: sourceWord(d.source) }) }),
      el('p', { class: 'note', text: t('desk.uploaded_by', { by: actorWord(d.imported_by), at: dateTime(d.imported_at), rows: int(d.row_count) }) }),
      el('p', { id: 'review-compared', text: live ? t(`desk.compared.${review.compared_with}`, { id: live.id, year: live.year ?? '', source: sourceWord(live.source) }) : t('desk.compared.none') }),
      coverageSection(review),
      changesSection(review),
      distributionSection(review),
      outlierSection(review),
      shortlistSection(review),
      decision(review),
    ),
  );
}

async function open(id) {
  const secret = token();
  replace(statusOut);
  if (!secret) return replace(reviewOut, el('p', { class: 'alert', text: t('scenario.need_token') }));
  openId = id;
  replace(reviewOut, el('p', { class: 'note', text: t('desk.reviewing') }));
  try {
    showReview(await api.reviewDataset(id, secret));
  } catch (error) {
    replace(reviewOut, el('p', { class: 'alert', text: error.message }));
  }
}

async function loadStaged() {
  const list = el('div', { id: 'staged' });
  replace(deskRoot, list);
  let staged = [];
  try {
    staged = await api.datasetsByStatus('staged');
  } catch (error) {
    return replace(list, el('p', { class: 'alert', text: error.message }));
  }
  if (!staged.length) return replace(list, el('p', { class: 'note', id: 'staged-none', text: t('desk.none') }));
  replace(
    list,
    table(
      'staged-table',
      ['data.kind', 'data.year', 'data.source', 'data.rows', 'data.imported', 'data.by', 'desk.action'],
      staged.map((d) => [
        { text: datasetWord(d) },
        { text: d.year ?? '—' },
        { text: sourceWord(d.source) },
        { class: 'num', text: int(d.row_count) },
        { text: dateTime(d.imported_at) },
        { text: actorWord(d.imported_by) },
        {},
      ]),
    ),
  );
  // The review buttons go in the last cell of each row.
  list.querySelectorAll('tbody tr').forEach((tr, i) => {
    const d = staged[i];
    tr.lastElementChild.append(el('button', { type: 'button', class: 'secondary', dataset: { review: d.id }, text: t('desk.open'), on: { click: () => open(d.id) } }));
  });
}

/** Opens the review of a dataset just uploaded (called by the upload form). */
export async function staged(dataset) {
  if (!deskRoot) return;
  await loadStaged();
  if (dataset.status === 'staged') await open(dataset.id);
}

/** The desk: its own token field, the staged uploads and the open review. */
export function desk(ctx) {
  deskCtx = ctx;
  if (!deskRoot || deskLang !== document.documentElement.lang) {
    deskLang = document.documentElement.lang;
    deskRoot = el('div', { id: 'desk-staged' });
    reviewOut = el('div', { id: 'desk-review' });
    statusOut = el('div', { id: 'desk-status', 'aria-live': 'polite' });
    tokenInput = el('input', { type: 'password', id: 'desk-token', autocomplete: 'off' });
    if (sessionStorage.getItem(STEWARD_KEY)) tokenInput.placeholder = '••••••••';
    loadStaged().then(() => (openId ? open(openId) : null));
  }
  return el(
    'section',
    { class: 'desk', id: 'desk' },
    el('h2', { class: 'spaced', text: t('desk.title') }),
    el('p', { class: 'note', text: t('desk.help') }),
    el('label', { class: 'field desk-token' }, el('span', { text: t('desk.token') }), tokenInput),
    deskRoot,
    statusOut,
    reviewOut,
  );
}
