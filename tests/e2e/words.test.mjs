// Words, not codes (issue 21, items 2 and 9): certainty labels that say what the numbers say,
// with a legend stating the API's thresholds; the 100 selected summed up on their own; counts
// without decimals; Excel uploads; and no raw API code on any view, in either language.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, TOKEN, foreign, launch, load, newPage, problems, rows } from './lib.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const VIEWS = ['list', 'evidence', 'quadrant', 'map', 'provinces', 'robustness', 'compare', 'evaluation', 'data', 'penetapan'];
// Codes the API speaks that a planner should never read as such. Case matters: "SAE" is the
// abbreviation the table explains, "sae" the code.
const RAW = /\b(direct|sae|under5|unspecified|certain_in|contested|certain_out|system|staged)\b/;
const LABELS = {
  id: { certain_in: 'Stabil masuk', contested: 'Di ambang batas', certain_out: 'Stabil keluar' },
  en: { certain_in: 'Stable in', contested: 'Borderline', certain_out: 'Stable out' },
};
const LOADING = /Memuat…|Loading…/;

let browser;
let context;
let page;

const shot = (name) => page.screenshot({ path: `artifacts/words-${name}.png` });
const fixed = (lang, x, digits) =>
  new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
/** innerText with non-breaking spaces as spaces. */
const text = async (locator) => (await locator.innerText()).replace(/\u00a0/g, ' ');

/** The list the page shows by default, from the API: every joined district, with bands. */
async function defaultList() {
  const r = await fetch(`${BASE}/api/v1/shortlist?all=true&draws=1000&seed=42`);
  assert.equal(r.status, 200);
  return (await r.json()).shortlist;
}

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  page = await newPage(context);
});

after(async () => {
  await browser?.close();
});

test('every band label matches the API threshold, and the legend states those thresholds and what the rank range means', async () => {
  const api = await defaultList();
  const th = api.uncertainty.band_thresholds;
  assert.equal(typeof th.certain_in_min, 'number');
  const byCode = new Map(api.districts.map((d) => [d.code, d]));
  for (const lang of ['id', 'en']) {
    await load(page, `/?lang=${lang}`);
    assert.ok((await text(page.locator('#summary'))).includes(api.fingerprint.slice(0, 16)), 'the page shows the list the API gave');
    const legend = await text(page.locator('#band-legend'));
    const words = LABELS[lang];
    assert.ok(legend.includes(`${words.certain_in}: ${lang === 'id' ? 'peluang terpilih' : 'selection probability'} ≥ ${fixed(lang, th.certain_in_min, 2)}`), legend);
    assert.ok(legend.includes(`${words.certain_out}: ${lang === 'id' ? 'peluang terpilih' : 'selection probability'} ≤ ${fixed(lang, th.certain_out_max, 2)}`), legend);
    const between = lang === 'id' ? 'antara {out} dan {in}' : 'between {out} and {in}';
    assert.ok(legend.includes(`${words.contested}: ${between.replace('{out}', fixed(lang, th.certain_out_max, 2)).replace('{in}', fixed(lang, th.certain_in_min, 2))}`), legend);
    assert.match(legend, lang === 'id' ? /kisaran peringkat = peringkat yang dicapai di 90 % simulasi/ : /rank range = the ranks it reaches in 90 % of draws/);
    const headers = await page.locator('#shortlist-table thead th').allInnerTexts();
    assert.ok(headers.includes(lang === 'id' ? 'Peluang terpilih' : 'Selection probability'), headers.join(' | '));
    assert.ok(headers.includes(lang === 'id' ? 'Kisaran peringkat (90 % simulasi)' : 'Rank range (90 % of draws)'), headers.join(' | '));
    await shot(`list-${lang}`);
    // Every row of every joined district: the label says what its probability says.
    await page.locator('#show-all').check();
    await page.waitForFunction((n) => document.querySelectorAll('#shortlist-table tbody tr').length === n, api.districts.length);
    const shown = await rows(page).evaluateAll((trs) => trs.map((tr) => [tr.dataset.code, tr.lastElementChild.innerText.replace(/^[●◐○]\s*/, '').trim()]));
    assert.equal(shown.length, api.districts.length);
    const label = Object.fromEntries(Object.entries(words).map(([code, word]) => [word, code]));
    for (const [code, cell] of shown) {
      const d = byCode.get(code);
      if (!d.band) continue;
      assert.equal(label[cell], d.band, `${code}: "${cell}" for p = ${d.p_selected}`);
      if (d.band === 'certain_in') assert.ok(d.p_selected >= th.certain_in_min, `${code} stable in at p = ${d.p_selected}`);
      if (d.band === 'certain_out') assert.ok(d.p_selected <= th.certain_out_max, `${code} stable out at p = ${d.p_selected}`);
    }
    await page.locator('#show-all').uncheck();
  }
});

test('the summary gives the 100 selected by band on a line of their own, the other districts apart', async () => {
  const api = await defaultList();
  const selected = api.districts.filter((d) => d.selected);
  const others = api.districts.filter((d) => !d.selected);
  const count = (list, band) => list.filter((d) => d.band === band).length;
  for (const [lang, pattern, otherWords] of [
    ['id', /^Dari (\d+) lokus terpilih: (\d+) stabil masuk, (\d+) di ambang batas(?:, (\d+) stabil keluar)?(?:, (\d+) keputusan panitia)?$/, 'Kabupaten/kota lain'],
    ['en', /^Of the (\d+) districts selected: (\d+) stable in, (\d+) borderline(?:, (\d+) stable out)?(?:, (\d+) committee decisions)?$/, 'Other districts'],
  ]) {
    await load(page, `/?lang=${lang}`);
    const line = await text(page.locator('#summary-line'));
    const m = line.match(pattern);
    assert.ok(m, line);
    const [total, stable, borderline, out = 0, committee = 0] = m.slice(1).map((x) => Number(x ?? 0));
    assert.equal(total, 100);
    assert.equal(total, selected.length);
    assert.equal(stable + borderline + out + committee, 100, line);
    assert.equal(stable, count(selected, 'certain_in'));
    assert.equal(borderline, count(selected, 'contested'));
    // The other districts stand on their own line, never mixed into the 100's.
    const rest = await text(page.locator('#summary-others'));
    assert.ok(rest.startsWith(`${otherWords} (${others.length}): `), rest);
    assert.ok(rest.includes(`${count(others, 'certain_out')} ${LABELS[lang].certain_out.toLowerCase()}`), rest);
    assert.equal(await page.locator('#summary-line #summary-others, #summary-others #summary-line').count(), 0);
  }
});

test('the district dialog shows the under-five population without decimals and its codes as words', async () => {
  const api = await defaultList();
  const top = api.districts[0];
  const region = (await (await fetch(`${BASE}/api/v1/regions/${top.code}`)).json()).region;
  const population = region.observations.find((o) => o.kind === 'population');
  assert.ok(population, 'the demo data has an under-five population');
  for (const [lang, label, group, kind] of [
    ['id', 'Jumlah balita', '.', top.kind === 'kota' ? 'Kota' : 'Kabupaten'],
    ['en', 'Children under five', ',', top.kind === 'kota' ? 'City (kota)' : 'Regency (kabupaten)'],
  ]) {
    await load(page, `/?lang=${lang}`);
    await rows(page).first().getByRole('button').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('table').waitFor();
    const row = dialog.locator('tbody tr', { hasText: label });
    const value = (await row.locator('td').nth(1).innerText()).trim();
    assert.match(value, new RegExp(`^\\d{1,3}(\\${group}\\d{3})*$`), `under-five population shown as "${value}"`);
    assert.equal(Number(value.replaceAll(group, '')), Math.round(population.value));
    assert.ok((await dialog.locator('header .note').innerText()).includes(` · ${kind} · `));
    const all = await dialog.innerText();
    assert.doesNotMatch(all, RAW);
    if (lang === 'id') await shot('district-id');
    else await shot('district-en');
    await page.keyboard.press('Escape');
  }
});

test('the file picker takes Excel workbooks and the upload sends them as Excel', async () => {
  // The blank Excel template is a workbook the API reads and refuses as empty: nothing is saved.
  const workbook = Buffer.from(await (await fetch(`${BASE}/api/v1/templates/population.xlsx`)).arrayBuffer());
  const direct = await fetch(`${BASE}/api/v1/datasets?kind=population&year=2016`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': XLSX, 'Accept-Language': 'id' },
    body: workbook,
  });
  const expected = await direct.json();
  assert.equal(expected.error, 'empty_file', JSON.stringify(expected));
  await load(page, '/?view=data');
  const accept = (await page.locator('#upload-file').getAttribute('accept')).split(',');
  assert.ok(accept.includes('.xlsx') && accept.includes(XLSX), accept.join(','));
  assert.match(await page.locator('#view-data').innerText(), /Excel \(\.xlsx\)/);
  await page.locator('#upload-kind').selectOption('population');
  await page.locator('#upload-year').fill('2016');
  await page.locator('#upload-file').setInputFiles({ name: 'lokus-population.xlsx', mimeType: XLSX, buffer: workbook });
  await page.locator('#upload-token').fill(TOKEN);
  await page.getByRole('button', { name: 'Unggah', exact: true }).click();
  await page.locator('#upload-errors').waitFor({ timeout: 60_000 });
  assert.ok((await page.locator('#upload-errors').innerText()).includes(expected.message), await page.locator('#upload-errors').innerText());
  // The templates come as Excel too.
  assert.ok((await page.locator('#templates a[href$=".xlsx"]').count()) >= 5);
});

test('no view shows a raw API code, in either language, and the Indonesian page never says "run"', async () => {
  // Two saved runs, so that the comparison and the evaluation have something to show.
  for (const k of [100, 90]) {
    const r = await fetch(`${BASE}/api/v1/rankings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: `Kata, bukan kode (k = ${k})`, k, uncertainty: { draws: 200, seed: 1 } }),
    });
    assert.equal(r.status, 201);
  }
  for (const lang of ['id', 'en']) {
    for (const view of VIEWS) {
      await load(page, `/?lang=${lang}&view=${view}`);
      await page.waitForFunction((loading) => !new RegExp(loading).test(document.body.innerText), LOADING.source, { timeout: 60_000 });
      if (view === 'compare') {
        await page.locator('#view-compare button.primary').click();
        await page.locator('#compare-entered').waitFor();
      }
      if (view === 'evaluation') {
        // A reading, an error, or the note that no later survey exists yet.
        await page.waitForFunction((loading) => {
          const out = document.querySelector('#evaluation-result');
          return out && out.textContent && !new RegExp(loading).test(out.textContent);
        }, LOADING.source, { timeout: 60_000 });
      }
      const shown = await page.locator('body').innerText();
      assert.doesNotMatch(shown, RAW, `${lang} ${view}: ${shown.match(RAW)?.[0]} in view`);
      if (lang === 'id') assert.doesNotMatch(shown, /\brun\b/i, `id ${view}`);
      if (view === 'data') await shot(`data-${lang}`);
    }
    // The committee document uses the same words.
    await load(page, `/?lang=${lang}`);
    await page.emulateMedia({ media: 'print' });
    const printed = await page.locator('#print-doc').innerText();
    assert.equal(await page.locator('#print-bands').innerText(), await page.locator('#summary-line').innerText());
    await page.locator('#print-bands').evaluate((n) => n.scrollIntoView({ block: 'start' }));
    await shot(`print-${lang}`);
    await page.emulateMedia({ media: 'screen' });
    assert.doesNotMatch(printed, RAW, `${lang} print: ${printed.match(RAW)?.[0]}`);
    if (lang === 'id') assert.doesNotMatch(printed, /\brun\b/i);
    assert.ok(printed.includes(LABELS[lang].certain_in), 'the printed list has the band labels');
    assert.ok((await page.locator('#print-band-legend').count()) === 1, 'the printed list has the legend');
  }
});

test('every request went to the page own origin, with no CSP violation or script error', () => {
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
