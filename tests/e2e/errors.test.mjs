// The API's refusals as the page shows them: whole sentences in the page's language (here
// Indonesian, the default), naming the values that are wrong, never an English "Detail:".

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, TOKEN, foreign, launch, newPage, openTab, problems } from './lib.mjs';

/** English words an Indonesian message never holds. */
const ENGLISH = /\b(detail|must|got|invalid|expected|row|rows|line|the|is|not|unknown|between)\b/i;

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
  // An English browser: the page's own language (Indonesian by default) decides.
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
  page = await newPage(context);
});

after(async () => {
  await browser?.close();
});

test('a scenario the data refuse says why in whole Indonesian, naming its numbers', async () => {
  await page.goto(`${BASE}/?k=5&min_per_province=1`);
  const box = page.locator('#error');
  await box.waitFor({ state: 'visible', timeout: 60_000 });
  const text = await box.innerText();
  assert.doesNotMatch(text, ENGLISH, text);
  assert.match(text, /constraints\.min_per_province \(1\)/, text);
  assert.match(text, /k = 5/, text);
  await page.screenshot({ path: 'artifacts/errors-scenario.png' });
});

test('an upload refused for its rows says, row by row in whole Indonesian, what is wrong where', async () => {
  const regions = await (await fetch(`${BASE}/api/v1/regions?per_page=2`)).json();
  const [a, b] = regions.regions.map((r) => r.code);
  const csv = `code,prevalensi\n${a},abc\n${b},120\n99.99,20\n${a},21\n`;
  await page.goto(`${BASE}/`);
  await page.locator('#summary-line').waitFor();
  await openTab(page, 'Data');
  await page.locator('#upload-kind').selectOption('stunting');
  await page.locator('#upload-year').fill('2022');
  await page.locator('#upload-file').setInputFiles({ name: 'rows.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('#upload-token').fill(TOKEN);
  await page.getByRole('button', { name: 'Unggah', exact: true }).click();
  const errors = page.locator('#upload-errors');
  await errors.waitFor({ timeout: 60_000 });
  const messages = await errors.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((td) => td.innerText).join(' | ')),
  );
  assert.equal(messages.length, 4, messages.join('\n'));
  for (const [line, value] of [['2', 'abc'], ['3', '120'], ['4', '99.99'], ['5', a]]) {
    const row = messages.find((m) => m.includes(`baris ${line},`));
    assert.ok(row, `line ${line} is listed: ${messages.join('\n')}`);
    assert.ok(row.includes(value), `line ${line} names ${value}: ${row}`);
    assert.doesNotMatch(row.replace(/'[^']*'/g, ''), ENGLISH, row);
  }
  assert.doesNotMatch(await errors.innerText(), /Detail/);
  await errors.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'artifacts/errors-upload-rows.png' });
});

test('no request left the origin and no script or CSP error occurred', () => {
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
