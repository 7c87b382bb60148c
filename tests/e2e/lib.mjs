// What every browser test file shares: the server run.sh started, the tokens it made, a headless
// Debian Chromium (no browser download) and pages that record requests leaving the origin,
// CSP refusals and script errors.

import { chromium } from 'playwright-core';

export const BASE = process.env.LOKUS_URL;
export const TOKEN = process.env.LOKUS_TOKEN;
export const STEWARD_TOKEN = process.env.LOKUS_STEWARD_TOKEN;
export const APPROVER = process.env.LOKUS_APPROVER_TOKEN;
export const SHARED = process.env.LOKUS_SHARED_DATA;
export const ORIGIN = new URL(BASE).origin;

/** Requests that left the page's origin, and CSP refusals or script errors, of every page made here. */
export const foreign = [];
export const problems = [];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function newPage(context) {
  const p = await context.newPage();
  p.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(ORIGIN) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  p.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return p;
}

export const rows = (p) => p.locator('#shortlist-table tbody tr');
export const codes = (p) => rows(p).evaluateAll((trs) => trs.map((tr) => tr.dataset.code));

/** Opens `path` and waits until the page has drawn its list. */
export async function load(p, path = '/') {
  await p.goto(`${BASE}${path}`);
  await p.locator('#summary-line').waitFor();
  await p.waitForFunction(() => !document.body.classList.contains('is-loading'));
}

export async function openTab(p, name) {
  await p.getByRole('tab', { name, exact: true }).click();
}
