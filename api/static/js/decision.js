// What is on screen and where it stands: the status bar (a preview, a saved run with its
// status, or an adopted list with its decision) and the workflow steps the caller's role may
// take on a saved run.

import * as api from './api.js';
import { el, replace, setText } from './dom.js';
import { dateTime, t } from './i18n.js';
import { TOKEN_KEY } from './scenario.js';

/** Steps from each status, with the role that may take them (the server checks again). */
const STEPS = {
  draft: [{ action: 'propose', role: 'editor' }],
  proposed: [
    { action: 'approve', role: 'approver' },
    { action: 'reject', role: 'approver', reason: true },
  ],
  approved: [{ action: 'adopt', role: 'approver' }],
  adopted: [{ action: 'withdraw', role: 'approver', reason: true }],
};

const MAY = {
  viewer: [],
  editor: ['editor'],
  steward: ['editor'],
  approver: ['editor', 'approver'],
};

let caller = { token: '', role: null, label: '' };

/** The status bar's words for the result on screen. */
export function statusText(r) {
  if (!r || r.kind !== 'run') return t('status.preview');
  const a = r.adoption;
  if (r.status === 'adopted' && a) {
    return t('status.adopted', { number: a.decision_number, date: a.decision_date, id: r.id });
  }
  return t('status.run', {
    id: r.id,
    title: r.title || t('status.untitled'),
    date: dateTime(r.created_at),
    by: r.created_by,
    status: t(`run_status.${r.status}`),
  });
}

/** Renders the status bar. */
export function renderStatus(ctx, root) {
  const r = ctx.result;
  const kind = !r || r.kind !== 'run' ? 'preview' : r.status === 'adopted' ? 'adopted' : `run status-${r.status}`;
  root.className = `status-bar status-${kind}`;
  replace(root, el('span', { id: 'status-text', text: statusText(r) }));
}

/** Learns the role of the token kept in this session (once per token). */
async function learnRole() {
  const token = sessionStorage.getItem(TOKEN_KEY) || '';
  if (token === caller.token) return caller;
  caller = { token, role: null, label: '' };
  if (!token) return caller;
  try {
    const me = await api.me(token);
    caller = { token, role: me.role, label: me.label };
  } catch {
    caller = { token, role: null, label: '' };
  }
  return caller;
}

function adoptFields() {
  const year = new Date().getFullYear();
  const input = (id, label, attrs = {}) =>
    el('label', { class: 'field' }, el('span', { text: t(label) }), el('input', { id, autocomplete: 'off', ...attrs }));
  return el(
    'div',
    { class: 'adopt-fields' },
    input('wf-programme', 'workflow.programme', { value: 'digital-stunting', required: true }),
    input('wf-year', 'workflow.year', { type: 'number', min: 2000, max: 2100, value: year, required: true }),
    input('wf-number', 'workflow.decision_number', { required: true }),
    input('wf-date', 'workflow.decision_date', { type: 'date', required: true }),
    input('wf-signatories', 'workflow.signatories', { required: true, placeholder: t('workflow.signatories_hint') }),
  );
}

const value = (id) => document.getElementById(id)?.value.trim() ?? '';

async function take(ctx, step, status) {
  const id = ctx.result.id;
  let body = {};
  if (step.action === 'adopt') {
    body = {
      programme: value('wf-programme'),
      year: Number(value('wf-year')),
      decision_number: value('wf-number'),
      decision_date: value('wf-date'),
      signatories: value('wf-signatories').split(';').map((s) => s.trim()).filter(Boolean),
    };
  } else {
    const reason = value('wf-reason');
    if (reason) body.reason = reason;
  }
  setText(status, t('workflow.working'));
  try {
    await api.step(id, step.action, body, caller.token);
    setText(status, t(`workflow.done_${step.action}`));
    await ctx.refresh();
  } catch (error) {
    setText(status, t(`fail.${step.action}`, { message: error.message }));
  }
}

/** The workflow steps of the saved run on screen that the caller's role may take. */
export async function renderWorkflow(ctx, root) {
  const r = ctx.result;
  if (!r || r.kind !== 'run') {
    root.hidden = true;
    replace(root);
    return;
  }
  const { role, label } = await learnRole();
  const allowed = MAY[role] || [];
  const steps = (STEPS[r.status] || []).filter((s) => allowed.includes(s.role));
  const status = el('p', { class: 'status', role: 'status', id: 'workflow-status' });
  const history = el(
    'ol',
    { class: 'history', id: 'run-history' },
    (r.history || []).map((h) =>
      el('li', {}, `${t(`run_status.${h.status}`)} · ${dateTime(h.at)} · ${h.by}`, h.reason ? el('em', { text: ` — ${h.reason}` }) : null),
    ),
  );
  const buttons = steps.map((step) =>
    el('button', {
      type: 'button',
      class: step.action === 'reject' || step.action === 'withdraw' ? 'secondary' : 'primary',
      id: `wf-${step.action}`,
      text: t(`workflow.${step.action}`),
      on: { click: () => take(ctx, step, status) },
    }),
  );
  const note = !caller.token
    ? t('workflow.need_token')
    : steps.length
      ? t('workflow.as', { label, role: t(`role.${role}`) })
      : t('workflow.nothing', { label: label || '—', role: role ? t(`role.${role}`) : '—' });
  replace(
    root,
    el('h2', { text: t('workflow.title', { id: r.id }) }),
    r.notes ? el('p', { class: 'note', id: 'run-notes', text: r.notes }) : null,
    history,
    el('p', { class: 'note', text: note }),
    steps.some((s) => s.action === 'adopt') ? adoptFields() : null,
    steps.some((s) => s.action !== 'adopt')
      ? el('label', { class: 'field' }, el('span', { text: t('workflow.reason') }), el('input', { id: 'wf-reason', maxlength: 1000, autocomplete: 'off' }))
      : null,
    buttons.length ? el('div', { class: 'actions' }, buttons) : null,
    status,
  );
  root.hidden = false;
}
