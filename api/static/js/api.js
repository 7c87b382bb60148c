// The only module that calls fetch: one function per endpoint of /api/v1, one error shape.

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
  const headers = { Accept: accept };
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

/** Download address of the shortlist (selected districts) as CSV. */
export const shortlistCsvUrl = (params) => `${base}/api/v1/shortlist${query({ ...params, format: 'csv' })}`;

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

export const rankingCsvUrl = (id) => `${base}/api/v1/rankings/${encodeURIComponent(id)}?format=csv`;

export const diff = (from, to) =>
  request(`/api/v1/rankings/${encodeURIComponent(from)}/diff/${encodeURIComponent(to)}`).then((j) => j.diff);

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

/** Uploads a file as the raw body, as `curl --data-binary` does. */
export function uploadDataset({ kind, year, source, indicator, file, token }) {
  const params = { kind };
  if (year) params.year = year;
  if (source) params.source = source;
  if (indicator) params.indicator = indicator;
  const name = (file.name || '').toLowerCase();
  const contentType = name.endsWith('.json') || name.endsWith('.geojson') ? 'application/json' : 'text/csv';
  return request(`/api/v1/datasets${query(params)}`, { method: 'POST', token, body: file, contentType }).then(
    (j) => j.dataset,
  );
}

export const templateUrl = (kind) => `${base}/api/v1/templates/${encodeURIComponent(kind)}.csv`;
