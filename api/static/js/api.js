// The only module that calls fetch: one function per endpoint of /api/v1, one error shape.

import { lang } from './i18n.js';

/** The prefix the service answers under (LOKUS_BASE_PATH, e.g. `/lokus/1.0`; empty at the root),
 * named by the page in `<meta name="lokus-base">` (no inline script: the CSP forbids it). */
export const base = document.querySelector('meta[name="lokus-base"]')?.getAttribute('content') ?? '';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.error) || 'http_error';
    this.details = (body && body.details) || [];
  }
}

async function request(path, { method = 'GET', token, body, contentType, signal, accept = 'application/json' } = {}) {
  // The API's messages follow the page's own language toggle, not the browser's locale.
  const headers = { Accept: accept, 'Accept-Language': lang() };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (contentType) headers['Content-Type'] = contentType;
  const response = await fetch(`${base}${path}`, { method, headers, body, signal });
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

const query = (params) => {
  const q = new URLSearchParams(params).toString();
  return q ? `?${q}` : '';
};

/** Every joined district under a scenario (GET, nothing saved). */
export const shortlist = (params, signal) =>
  request(`/api/v1/shortlist${query({ ...params, all: 'true' })}`, { signal }).then((j) => j.shortlist);

/** `?locale=id` on CSV downloads while the page speaks Indonesian: Excel set to Indonesian opens
 * that file as a table (semicolons, decimal commas, Indonesian headers). */
const csvLocale = () => (lang() === 'id' ? { locale: 'id' } : {});

/** Download address of a preview as CSV: every ranked district, the rows a saved run's CSV holds. */
export const shortlistCsvUrl = (params) =>
  `${base}/api/v1/shortlist${query({ ...params, all: 'true', format: 'csv', ...csvLocale() })}`;

export const analysis = (params, signal) =>
  request(`/api/v1/analysis${query(params)}`, { signal }).then((j) => j.analysis);

export const datasets = () => request('/api/v1/datasets?per_page=1000').then((j) => j.datasets);

export const provinces = () => request('/api/v1/provinces').then((j) => j.provinces);

export const boundaries = () => request('/api/v1/boundaries', { accept: 'application/geo+json' });

export const regions = (q, signal) =>
  request(`/api/v1/regions${query({ q, per_page: 8 })}`, { signal }).then((j) => j.regions);

export const region = (code) => request(`/api/v1/regions/${encodeURIComponent(code)}`).then((j) => j.region);

export const rankings = () => request('/api/v1/rankings?per_page=100').then((j) => j.rankings);

export const ranking = (id) => request(`/api/v1/rankings/${encodeURIComponent(id)}`).then((j) => j.ranking);

export const rankingCsvUrl = (id) => `${base}/api/v1/rankings/${encodeURIComponent(id)}${query({ format: 'csv', ...csvLocale() })}`;

export const diff = (from, to) =>
  request(`/api/v1/rankings/${encodeURIComponent(from)}/diff/${encodeURIComponent(to)}`).then((j) => j.diff);

/** Regression discontinuity and difference-in-differences of saved run `run` against `year`. */
export const evaluation = (run, year) =>
  request(`/api/v1/evaluation${query({ run, outcome_year: year })}`).then((j) => j.evaluation);

/** The points, bins and fits of the evaluation's RD plot. */
export const evaluationPlot = (run, year) =>
  request(`/api/v1/evaluation/plot${query({ run, outcome_year: year })}`).then((j) => j.plot);

/** The caller's label and role under a token. */
export const me = (token) => request('/api/v1/me', { token }).then((j) => j.me);

/** One workflow step of a saved run (`propose`, `approve`, `reject`, `adopt`, `withdraw`). */
export const step = (id, action, body, token) =>
  request(`/api/v1/rankings/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    token,
    body: JSON.stringify(body || {}),
    contentType: 'application/json',
  }).then((j) => j.ranking);

/** Every adoption (the official lists), newest year first. */
export const lokus = () => request('/api/v1/lokus').then((j) => j.lokus);

/** Address of an adopted list in a format. */
export const lokusUrl = (programme, year, format) =>
  `${base}/api/v1/lokus/${encodeURIComponent(programme)}/${encodeURIComponent(year)}${format ? query({ format, ...(format === 'csv' ? csvLocale() : {}) }) : ''}`;

/** How often each district is selected across the grid of scenarios (POST, a read). */
export const robustness = (body, signal) =>
  request('/api/v1/robustness', { method: 'POST', body: JSON.stringify(body), contentType: 'application/json', signal }).then(
    (j) => j.robustness,
  );

export const saveRanking = (scenario, token) =>
  request('/api/v1/rankings', {
    method: 'POST',
    token,
    body: JSON.stringify(scenario),
    contentType: 'application/json',
  }).then((j) => j.ranking);

/** The media type an upload is sent as, from the file's name (a workbook's bytes are no CSV). */
function uploadType(file) {
  const name = (file.name || '').toLowerCase();
  if (name.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return name.endsWith('.json') || name.endsWith('.geojson') ? 'application/json' : 'text/csv';
}

/** Uploads a file as the raw body, as `curl --data-binary` does. */
export function uploadDataset({ kind, year, source, indicator, file, token }) {
  const params = { kind };
  if (year) params.year = year;
  if (source) params.source = source;
  if (indicator) params.indicator = indicator;
  const contentType = uploadType(file);
  return request(`/api/v1/datasets${query(params)}`, { method: 'POST', token, body: file, contentType }).then(
    (j) => j.dataset,
  );
}

/** Validates a file as an upload would, writing nothing: the answer's `validation`. */
export function validateDataset({ kind, year, source, indicator, file, token }) {
  const params = { kind };
  if (year) params.year = year;
  if (source) params.source = source;
  if (indicator) params.indicator = indicator;
  const contentType = uploadType(file);
  return request(`/api/v1/datasets/validate${query(params)}`, { method: 'POST', token, body: file, contentType }).then(
    (j) => j.validation,
  );
}

/** Saves aliases (`[{alias, code}]`), all or none. */
export const saveAliases = (aliases, token) =>
  request('/api/v1/aliases', {
    method: 'POST',
    token,
    body: JSON.stringify({ aliases }),
    contentType: 'application/json',
  }).then((j) => j.aliases);

export const templateUrl = (kind, format = 'csv') => `${base}/api/v1/templates/${encodeURIComponent(kind)}.${format}`;

/** Datasets with one lifecycle status (`staged`, `published`, `rejected`, `superseded`). */
export const datasetsByStatus = (status) =>
  request(`/api/v1/datasets${query({ status, per_page: 1000 })}`).then((j) => j.datasets);

/** What publishing a staged dataset would change (editor token). */
export const reviewDataset = (id, token) =>
  request(`/api/v1/datasets/${encodeURIComponent(id)}/review`, { token }).then((j) => j.review);

/** Publishes a staged dataset (steward token). */
export const publishDataset = (id, acknowledgePartial, token) =>
  request(`/api/v1/datasets/${encodeURIComponent(id)}/publish`, {
    method: 'POST',
    token,
    body: JSON.stringify({ acknowledge_partial: Boolean(acknowledgePartial) }),
    contentType: 'application/json',
  }).then((j) => j.dataset);

/** Rejects a staged dataset with a reason (steward token). */
export const rejectDataset = (id, reason, token) =>
  request(`/api/v1/datasets/${encodeURIComponent(id)}/reject`, {
    method: 'POST',
    token,
    body: JSON.stringify({ reason }),
    contentType: 'application/json',
  }).then((j) => j.dataset);
