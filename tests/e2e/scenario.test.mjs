// The scenario panel's inputs, the feedback when the scenario changes, and what the page says
// when an action fails (issue 21: inputs that never lie, change feedback, failures).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, TOKEN, codes, foreign, launch, load, newPage, openTab, problems } from './lib.mjs';

let browser;
let context;
let page;

const shot = (name) => page.screenshot({ path: `artifacts/scenario-${name}.png` });
const search = () => new URL(page.url()).searchParams;
const idle = () => page.waitForFunction(() => !document.body.classList.contains('is-loading'));

/**
 * Screenshots at 1366×768 and at 390 px wide, each part in `show` scrolled into view (in that
 * order; at 1366 the scenario panel scrolls on its own, so a field and the list both show).
 */
async function shots(name, show = []) {
  for (const [width, height] of [[1366, 768], [390, 844]]) {
    await page.setViewportSize({ width, height });
    if (width === 1366) {
      for (const part of show) await part.evaluate((n) => n.scrollIntoView({ block: 'center' }));
      await shot(`${name}-${width}`);
    } else {
      for (const [i, part] of show.entries()) {
        await part.evaluate((n) => n.scrollIntoView({ block: 'center' }));
        await shot(`${name}-${width}${i ? `-${i + 1}` : ''}`);
      }
      if (!show.length) await shot(`${name}-${width}`);
    }
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

/** The API's answer to a request, in a language, from the test (not through the page). */
async function api(path, { lang = 'id', method = 'GET', token, body } = {}) {
  const headers = { 'Accept-Language': lang };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${BASE}${path}`, { method, headers, body: body && JSON.stringify(body) });
  return { status: response.status, json: await response.json().catch(() => null) };
}

/** Requests the page makes for the shortlist, from now on. */
function watchShortlist() {
  const seen = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/shortlist?')) seen.push(new URL(r.url()));
  });
  return seen;
}

const selectedCodes = (p) => p.evaluate(() => window.lokus.ctx.result.districts.filter((d) => d.selected).map((d) => d.code));

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  page = await newPage(context);
});

after(async () => {
  await browser?.close();
});

test('typing 600 in k marks the field invalid, keeps the URL and the list, and says the list was kept', async () => {
  await load(page, '/');
  const ranked = (await api('/api/v1/shortlist?all=true')).json.shortlist.districts.length;
  const max = Math.min(514, ranked);
  assert.ok(600 > max, `600 is above the ${max} districts k may select`);
  const listBefore = await codes(page);
  const urlBefore = page.url();
  const requests = watchShortlist();
  const k = page.getByLabel('Jumlah lokus (k)');
  await k.fill('600');
  await k.press('Tab');
  await page.waitForTimeout(500); // longer than the page waits before it asks for a list
  assert.equal(await k.getAttribute('aria-invalid'), 'true');
  assert.equal(await k.inputValue(), '600', 'the box keeps what was typed');
  const message = page.locator(`#${await k.getAttribute('aria-describedby')}`);
  assert.ok(await message.isVisible());
  assert.equal(await message.innerText(), `Isi bilangan bulat dari 1 sampai ${max} (jumlah kabupaten/kota yang diperingkat).`);
  assert.equal(page.url(), urlBefore, 'the URL keeps k');
  assert.deepEqual(requests, [], 'no list is asked for');
  assert.deepEqual(await codes(page), listBefore);
  assert.equal(await page.locator('#list-note').innerText(), 'Daftar dibiarkan seperti sebelumnya — isian tidak valid: Jumlah lokus (k).');
  await shots('k-invalid-id', [k, page.locator('#list-note')]);

  // A valid value clears the mark and the note, and applies.
  await k.fill('60');
  await k.press('Tab');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('k') === '60');
  await page.waitForFunction(() => document.querySelectorAll('#shortlist-table tbody tr').length === 60);
  assert.equal(await k.getAttribute('aria-invalid'), null);
  assert.ok(await message.isHidden());
  assert.ok(await page.locator('#list-note').isHidden());

  // The same in English.
  await load(page, '/?lang=en');
  const kEn = page.getByLabel('Number of districts (k)');
  await kEn.fill('600');
  await kEn.press('Tab');
  assert.equal(await kEn.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#sc-k-error').innerText(), `Enter a whole number from 1 to ${max} (the districts ranked).`);
  assert.equal(await page.locator('#list-note').innerText(), 'The list is kept as it was — invalid input: Number of districts (k).');
  assert.equal(search().get('k'), null);
  await shots('k-invalid-en', [kEn, page.locator('#list-note')]);
});

test('a typed value applies on change or blur, not per keystroke', async () => {
  await load(page, '/');
  const requests = watchShortlist();
  const k = page.getByLabel('Jumlah lokus (k)');
  await k.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('75', { delay: 120 });
  await page.waitForTimeout(500);
  assert.equal(search().get('k'), null, 'nothing applied while typing');
  assert.deepEqual(requests, []);
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('k') === '75');
  await page.waitForFunction(() => document.querySelectorAll('#shortlist-table tbody tr').length === 75);
  assert.equal(requests.length, 1, 'one list for one value');
  assert.equal(requests[0].searchParams.get('k'), '75');
  // Enter applies as well.
  await k.fill('80');
  await k.press('Enter');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('k') === '80');
});

test('typing 2,5 in SPBE minimum applies 2.5 in Indonesian, and 2.5 in English', async () => {
  for (const [lang, label, typed, shown] of [
    ['id', 'SPBE minimum', '2,5', '2,5'],
    ['en', 'Minimum SPBE', '2.5', '2.5'],
  ]) {
    await load(page, lang === 'en' ? '/?lang=en' : '/');
    const requests = watchShortlist();
    const box = page.getByLabel(label);
    await box.fill(typed);
    await box.press('Tab');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('min_spbe') === '2.5');
    await page.waitForFunction(() => !document.body.classList.contains('is-loading') && window.lokus.ctx.result.params.constraints.min_spbe === 2.5);
    assert.equal(requests.at(-1).searchParams.get('min_spbe'), '2.5', `${lang}: the API query`);
    assert.equal(await box.inputValue(), shown);
    assert.equal(await box.getAttribute('aria-invalid'), null);
    const spbe = await page.evaluate(() => window.lokus.ctx.result.districts.filter((d) => d.selected).map((d) => d.spbe_index));
    assert.ok(spbe.length && spbe.every((x) => x >= 2.5), `${lang}: every selected district has SPBE ≥ 2.5`);
  }
  // In English a comma is not a decimal separator: marked, not read as 25 or 2.
  await load(page, '/?lang=en');
  const box = page.getByLabel('Minimum SPBE');
  await box.fill('2,5');
  await box.press('Tab');
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('#sc-min_spbe-error').innerText(), 'Enter a number from 1 to 5, e.g. 2.5. Leave it empty for no limit.');
  assert.equal(search().get('min_spbe'), null);
});

test('moving the stunting weight marks who entered with ▲ and says +N / −N against the previous list', async () => {
  await load(page, '/');
  const before = await selectedCodes(page);
  const slider = page.getByLabel('Bobot stunting');
  await slider.focus();
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('ArrowRight'); // 0.6 → 0.8
  await page.waitForFunction(() => new URLSearchParams(location.search).get('stunting_weight') === '0.8');
  await page.waitForFunction(() => window.lokus.ctx.result.params.weights.stunting === 0.8 && !document.body.classList.contains('is-loading'));
  const now = await selectedCodes(page);
  const entered = now.filter((c) => !before.includes(c)).sort();
  const left = before.filter((c) => !now.includes(c)).sort();
  assert.ok(entered.length > 0, 'the weight changes the list');
  const marked = await page.locator('#shortlist-table tbody tr:has(.change-mark.change-entered)').evaluateAll((trs) => trs.map((tr) => tr.dataset.code));
  assert.deepEqual(marked.sort(), entered);
  const mark = page.locator('#shortlist-table .change-mark.change-entered').first();
  assert.equal(await mark.locator('[aria-hidden=true]').innerText(), '▲');
  assert.equal(await mark.locator('.sr-only').textContent(), 'masuk dibanding sebelumnya');
  assert.equal(await page.locator('#summary-change').innerText(), `▲ +${entered.length} / ▼ −${left.length} dibanding sebelumnya`);
  // Who left is no longer in the list: named under the line, and marked ▼ among all districts.
  const named = await page.locator('#summary-left li').evaluateAll((lis) => lis.map((li) => li.dataset.code));
  assert.deepEqual(named.sort(), left);
  await shots('change-id', [mark, page.locator('#summary-change')]);
  await page.getByLabel(/Tampilkan semua/).check();
  const down = await page.locator('#shortlist-table tbody tr:has(.change-mark.change-left)').evaluateAll((trs) => trs.map((tr) => tr.dataset.code));
  assert.deepEqual(down.sort(), left);
  await page.getByLabel(/Tampilkan semua/).uncheck();
  await page.locator('#lang-toggle').click();
  await page.locator('#summary-change').waitFor();
  assert.equal(await page.locator('#summary-change').innerText(), `▲ +${entered.length} / ▼ −${left.length} against the previous list`);
  await shots('change-en', [page.locator('#shortlist-table .change-mark.change-entered').first(), page.locator('#summary-change')]);
});

test('a method without weights hides the weight controls, and the tab order skips them', async () => {
  await load(page, '/');
  const method = page.getByLabel('Metode');
  assert.ok(await page.locator('#sc-weights').isVisible());
  await method.focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sc-stunting_weight');
  await method.selectOption('need');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('method') === 'need');
  await page.locator('#sc-weights').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#sc-no-weights').innerText(), 'Metode ini tidak memakai bobot.');
  await method.focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sc-normalisation');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sc-method');
  await idle();
  await shots('no-weights-id', [page.locator('#sc-no-weights')]);
  await method.selectOption('composite');
  assert.ok(await page.locator('#sc-weights').isVisible());
  assert.ok(await page.locator('#sc-no-weights').isHidden());
});

/** The smallest minimum per province the demo data cannot meet with k = 100, from the API. */
async function infeasibleMinimum() {
  for (let min = 1; min <= 20; min += 1) {
    const { status, json } = await api(`/api/v1/shortlist?min_per_province=${min}`);
    if (json?.error === 'infeasible_constraints') {
      assert.equal(status, 422);
      return min;
    }
  }
  throw new Error('no infeasible minimum per province found');
}

test('an infeasible scenario says "Skenario tidak dapat dipenuhi" with the API message and greys the previous list', async () => {
  const min = await infeasibleMinimum();
  for (const lang of ['id', 'en']) {
    const { json } = await api(`/api/v1/shortlist?min_per_province=${min}`, { lang });
    await load(page, lang === 'en' ? '/?lang=en' : '/');
    const listBefore = await codes(page);
    const box = page.getByLabel(lang === 'en' ? 'Min. per province' : 'Min. per provinsi');
    await box.fill(String(min));
    await box.press('Tab');
    await page.locator('#error').waitFor();
    const said = lang === 'en' ? `The scenario cannot be met: ${json.message}` : `Skenario tidak dapat dipenuhi: ${json.message}`;
    assert.equal(await page.locator('#error').innerText(), said);
    assert.equal(await page.locator('#error').getAttribute('role'), 'alert');
    await idle();
    // The previous list stays, greyed, and says it is the previous one.
    assert.deepEqual(await codes(page), listBefore);
    const note = lang === 'en' ? 'The list below is the previous list: it does not match the scenario in the panel.' : 'Daftar di bawah adalah daftar sebelumnya: tidak sesuai dengan skenario di panel.';
    assert.equal(await page.locator('#list-note').innerText(), note);
    const look = await page.locator('#view-list').evaluate((n) => ({ opacity: getComputedStyle(n).opacity, filter: getComputedStyle(n).filter }));
    assert.ok(Number(look.opacity) < 1 && look.filter.includes('grayscale'), JSON.stringify(look));
    assert.ok(await page.locator('#summary').evaluate((n) => n.classList.contains('is-stale')));
    await shots(`infeasible-${lang}`, [page.locator('#error')]);
    // In print too: on the document and in every page's running head, with the list's own scenario.
    await page.emulateMedia({ media: 'print' });
    const printed = page.locator('#print-stale');
    assert.ok(await printed.isVisible());
    assert.match(await printed.innerText(), lang === 'en' ? /^PREVIOUS LIST/ : /^DAFTAR SEBELUMNYA/);
    const head = await page.evaluate(() => [...document.adoptedStyleSheets].map((s) => [...s.cssRules].map((r) => r.cssText).join()).join());
    assert.match(head, lang === 'en' ? /PREVIOUS LIST/ : /DAFTAR SEBELUMNYA/);
    assert.doesNotMatch(await page.locator('#print-doc dl').innerText(), new RegExp(`(Min\\. per provinsi|Min\\. per province):? ${min}\\b`));
    if (lang === 'id') await page.pdf({ path: 'artifacts/scenario-infeasible-print.pdf', format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    // Clearing the field computes the list again: no longer greyed.
    await box.fill('');
    await box.press('Tab');
    await page.locator('#error').waitFor({ state: 'hidden' });
    await idle();
    assert.ok(await page.locator('#list-note').isHidden());
    assert.ok(!(await page.locator('#view-list').evaluate((n) => n.classList.contains('is-stale'))));
  }
});

test('a failed save says "Gagal menyimpan" with the API message', async () => {
  for (const lang of ['id', 'en']) {
    const { status, json } = await api('/api/v1/rankings', { lang, method: 'POST', token: 'not-a-token', body: {} });
    assert.equal(status, 401);
    await load(page, lang === 'en' ? '/?lang=en' : '/');
    await page.locator('#sc-token').fill('not-a-token');
    await page.getByRole('button', { name: lang === 'en' ? 'Save run' : 'Simpan perhitungan' }).click();
    const error = page.locator('#save-error');
    await error.waitFor();
    assert.equal(await error.innerText(), `${lang === 'en' ? 'Could not save' : 'Gagal menyimpan'}: ${json.message}`);
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.equal(search().get('run'), null);
    await shots(`save-failed-${lang}`, [error]);
    await page.evaluate(() => sessionStorage.clear());
  }
});

/** Selected districts per province code of a saved run. */
const perProvince = (run) => {
  const m = new Map();
  for (const d of run.districts.filter((x) => x.selected)) m.set(d.province_code, (m.get(d.province_code) || 0) + 1);
  return m;
};

test('Compare shows the parameters that differ and the effect on coverage and per province', async () => {
  const save = async (scenario) => (await api('/api/v1/rankings', { method: 'POST', token: TOKEN, body: scenario })).json.ranking;
  const a = await save({ title: 'Bobot bawaan', k: 100 });
  const b = await save({ title: 'Bobot stunting 0,8', k: 100, weights: { stunting: 0.8, spbe: 0.2 } });
  for (const lang of ['id', 'en']) {
    await load(page, lang === 'en' ? '/?lang=en' : '/');
    await openTab(page, lang === 'en' ? 'Compare runs' : 'Bandingkan perhitungan');
    await page.getByLabel(lang === 'en' ? 'First run' : 'Perhitungan awal').selectOption(String(a.id));
    await page.getByLabel(lang === 'en' ? 'Second run' : 'Perhitungan pembanding').selectOption(String(b.id));
    await page.getByRole('button', { name: lang === 'en' ? 'Compare' : 'Bandingkan', exact: true }).click();
    await page.locator('#compare-params').waitFor();
    // The parameters: the two weights, with both values, and nothing else.
    const params = await page.locator('#compare-params tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.parameter, ...[...tr.cells].map((c) => c.textContent)]));
    assert.deepEqual(
      params,
      lang === 'en'
        ? [['weights.spbe', 'SPBE weight', '0.40', '0.20'], ['weights.stunting', 'Stunting weight', '0.60', '0.80']]
        : [['weights.spbe', 'Bobot SPBE', '0,40', '0,20'], ['weights.stunting', 'Bobot stunting', '0,60', '0,80']],
    );
    // Coverage: both runs' stunted children.
    const coverage = await page.locator('#compare-coverage').innerText();
    const fmt = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 0 });
    assert.ok(coverage.includes(`${fmt.format(a.coverage.stunted_children)} → ${fmt.format(b.coverage.stunted_children)}`), coverage);
    // Per province: every province whose count changed, with both counts.
    const [pa, pb] = [perProvince(a), perProvince(b)];
    const expected = [...new Set([...pa.keys(), ...pb.keys()])]
      .map((code) => [code, pa.get(code) || 0, pb.get(code) || 0])
      .filter(([, x, y]) => x !== y)
      .sort((x, y) => x[0].localeCompare(y[0]));
    assert.ok(expected.length > 0, 'the weights move districts between provinces');
    const shown = await page.locator('#compare-provinces tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.dataset.province, Number(tr.cells[1].textContent), Number(tr.cells[2].textContent)]),
    );
    assert.deepEqual(shown.sort((x, y) => x[0].localeCompare(y[0])), expected);
    await shots(`compare-${lang}`, [page.locator('#compare-params'), page.locator('#compare-provinces')]);
  }
});

test('a failed comparison says "Gagal membandingkan"', async () => {
  await load(page, '/');
  await openTab(page, 'Bandingkan perhitungan');
  await page.locator('#compare-go').waitFor();
  await page.route('**/diff/**', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'busy', message: 'Server sedang menghitung skenario lain' }) }));
  await page.locator('#compare-go').click();
  await page.locator('#compare-result [role=alert]').waitFor();
  assert.equal(await page.locator('#compare-result [role=alert]').innerText(), 'Gagal membandingkan: Server sedang menghitung skenario lain');
  await page.unroute('**/diff/**');
});

test('a refused workflow step says which step failed, with the API message', async () => {
  const run = (await api('/api/v1/rankings', { method: 'POST', token: TOKEN, body: { k: 100 } })).json.ranking;
  const refused = await api(`/api/v1/rankings/${run.id}/propose`, { method: 'POST', token: TOKEN, body: {} });
  assert.equal(refused.json.error, 'title_required', 'a run without a title cannot be proposed');
  await load(page, `/?run=${run.id}`);
  await page.evaluate((token) => sessionStorage.setItem('lokus.editor_token', token), TOKEN);
  await load(page, `/?run=${run.id}`);
  await page.locator('#wf-propose').click();
  await page.waitForFunction(() => document.querySelector('#workflow-status').textContent.startsWith('Gagal'));
  assert.equal(await page.locator('#workflow-status').innerText(), `Gagal mengajukan: ${refused.json.message}`);
  await page.evaluate(() => sessionStorage.clear());
});

test('every request of these tests went to the page own origin, with no CSP violation or script error', () => {
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
