// The map in the states planners meet, and the downloads they open. Runs before page.test.mjs
// on the same demo server: it imports nothing (the boundary layer of one test is answered in
// the browser), and saves one run.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, TOKEN, foreign, launch, load, newPage, problems } from './lib.mjs';

let browser;
let context;
let page;

const shot = (name, options = {}) => page.screenshot({ path: `artifacts/exports-${name}.png`, ...options });

/** Screenshots of the map view at a laptop's and a phone's width. */
async function shots(name) {
  for (const [w, h] of [
    [1366, 768],
    [390, 844],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await page.locator('#view-map h2').scrollIntoViewIfNeeded();
    await shot(`${name}-${w}`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

/** The file a download link gives, as text. */
async function download(locator) {
  const [file] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  return { name: file.suggestedFilename(), text: readFileSync(await file.path(), 'utf8') };
}

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  page = await newPage(context);
});

after(async () => {
  await browser?.close();
});

test('without a boundary layer the map is a province tile map with people-readable names and a note, not an error', async () => {
  const provinces = (await (await fetch(`${BASE}/api/v1/provinces`)).json()).provinces;
  for (const lang of ['id', 'en']) {
    await load(page, `/?view=map${lang === 'en' ? '&lang=en' : ''}`);
    await page.locator('#tile-map').waitFor();
    // Long words carry soft hyphens between syllables, so that narrow tiles break them there.
    const names = (await page.locator('#tile-map .tile-name').allInnerTexts()).map((n) => n.replaceAll('\u00ad', ''));
    assert.deepEqual(names.toSorted(), provinces.map((p) => p.name).toSorted(), 'the API names of the 34 provinces');
    assert.ok(names.includes('Kepulauan Bangka Belitung') && names.includes('Daerah Istimewa Yogyakarta'));
    assert.ok(!names.some((n) => /^[A-Z]{2}$/.test(n)), 'no ISO codes');
    const overflowing = await page.locator('#tile-map .tile').evaluateAll((tiles) => tiles.filter((t) => t.scrollWidth > t.clientWidth).length);
    assert.equal(overflowing, 0, 'every name fits its tile');
    // Each tile says its counts to a screen reader, not only as colour.
    assert.match(await page.locator('#tile-map .tile').first().innerText(), /\d+\/\d+/);
    // Information, in neutral colours: no error box, no command line.
    const note = page.locator('#map-info');
    assert.ok(await note.isVisible());
    assert.equal(await page.locator('#view-map .alert').count(), 0);
    assert.notEqual(await note.evaluate((n) => getComputedStyle(n).backgroundColor), 'rgb(253, 236, 234)');
    const text = await note.innerText();
    assert.doesNotMatch(text, /lokus import|FILE|\$ /);
    assert.match(text, lang === 'id' ? /satu petak per provinsi/ : /one tile per province/);
    // How to load a layer is folded away for administrators, and names the Data tab.
    const admin = page.locator('#map-info details');
    assert.equal(await admin.getAttribute('open'), null);
    await admin.locator('summary').click();
    assert.match(await admin.innerText(), lang === 'id' ? /tab Data \(jenis: boundaries\)/ : /Data tab \(kind: boundaries\)/);
    await admin.locator('summary').click();
    // Nothing to switch to without a layer.
    assert.equal(await page.locator('#map-mode').count(), 0);
    await shots(`map-no-layer-${lang}`);
    // On a phone the names stay readable: the grid scrolls sideways instead of shrinking.
    await page.setViewportSize({ width: 390, height: 844 });
    const tile = await page.locator('#tile-map .tile').first().boundingBox();
    assert.ok(tile.width >= 50, `tile ${tile.width}px wide`);
    const size = await page.locator('#tile-map .tile-name').first().evaluate((n) => parseFloat(getComputedStyle(n).fontSize));
    assert.ok(size >= 10, `${size}px`);
    await page.setViewportSize({ width: 1366, height: 900 });
  }
});

test('a boundary layer holding ranked districts is a choropleth with a switch to the province tile map', async () => {
  // A layer of squares for the first 40 demo districts, answered in this browser only.
  const regions = (await (await fetch(`${BASE}/api/v1/regions?per_page=1000`)).json()).regions.slice(0, 40);
  const layer = {
    type: 'FeatureCollection',
    features: regions.map((r, i) => {
      const [x, y] = [100 + (i % 10), -(Math.floor(i / 10))];
      return {
        type: 'Feature',
        properties: { code: r.code, name: r.name },
        geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 0.9, y], [x + 0.9, y + 0.9], [x, y + 0.9], [x, y]]] },
      };
    }),
    demo: true,
  };
  const p = await newPage(context);
  await p.route(/\/api\/v1\/datasets\?per_page=1000$/, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.datasets.push({ ...body.datasets[0], id: 9001, kind: 'boundaries', year: null, source: 'e2e squares', indicator: null });
    await route.fulfill({ response, json: body });
  });
  await p.route(/\/api\/v1\/boundaries$/, (route) =>
    route.fulfill({ status: 200, contentType: 'application/geo+json', body: JSON.stringify(layer) }),
  );
  const previous = page;
  page = p;
  try {
    await load(page, '/?view=map');
    await page.locator('#choropleth').waitFor();
    assert.equal(await page.locator('#choropleth path').count(), 40);
    assert.equal(await page.locator('#map-none-matched').count(), 0);
    assert.ok(await page.getByRole('radio', { name: 'Peta batas wilayah' }).isChecked());
    assert.match(await page.locator('#view-map figcaption').innerText(), /40 dari 40 wilayah ada di peringkat/);
    await shots('map-layer-id');
    await page.getByRole('radio', { name: 'Peta petak provinsi' }).check();
    await page.locator('#tile-map').waitFor();
    assert.equal(await page.locator('#choropleth').count(), 0);
    assert.equal(await page.locator('#map-colour').count(), 0, 'the tiles have one colouring');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'map-mode-tiles', 'focus stays on the switch');
    await shots('map-layer-tiles-id');
    await page.getByRole('radio', { name: 'Peta batas wilayah' }).check();
    await page.locator('#choropleth').waitFor();
    await page.locator('#lang-toggle').click();
    assert.ok(await page.getByRole('radio', { name: 'Boundary map' }).isChecked());
    await shots('map-layer-en');
  } finally {
    page = previous;
    await p.close();
  }
});

test('the Indonesian page downloads the Indonesian CSV of every ranked district, the same rows for the preview and the saved run', async () => {
  await load(page, '/');
  const link = page.locator('#csv-download');
  const href = new URL(await link.getAttribute('href'), BASE);
  assert.equal(href.searchParams.get('locale'), 'id');
  assert.equal(href.searchParams.get('all'), 'true');
  const preview = await download(link);
  assert.equal(preview.name, 'lokus-shortlist-id.csv');
  assert.ok(preview.text.startsWith('\uFEFFPeringkat;Kode Kemendagri;Kode BPS;Kabupaten/Kota;'), preview.text.slice(0, 80));
  const lines = preview.text.split(/\r?\n/).filter(Boolean);
  assert.equal(lines.length, 515, 'a header and every ranked district');
  const header = lines[0].replace('\uFEFF', '').split(';');
  const first = lines[1].split(';');
  assert.match(first[header.indexOf('Prevalensi Stunting (%)')], /^\d+(,\d{1,2})?$/, 'a decimal comma, at most 2 decimals');
  assert.match(first[header.indexOf('Terpilih')], /^(ya|tidak)$/);

  // The same scenario saved from the page downloads the same rows.
  await page.locator('#sc-token').fill(TOKEN);
  await page.getByRole('button', { name: 'Simpan perhitungan' }).click();
  await page.waitForFunction(() => new URLSearchParams(location.search).has('run'));
  const id = new URL(page.url()).searchParams.get('run');
  await page.locator('#csv-download').waitFor();
  await page.waitForFunction((run) => document.querySelector('#csv-download').getAttribute('href').includes(`/rankings/${run}`), id);
  const saved = await download(page.locator('#csv-download'));
  assert.equal(saved.name, `lokus-ranking-${id}-id.csv`);
  assert.equal(saved.text, preview.text);

  // In English the same list downloads as the plain CSV.
  await load(page, `/?run=${id}&lang=en`);
  const english = await download(page.locator('#csv-download'));
  assert.equal(english.name, `lokus-ranking-${id}.csv`);
  assert.ok(english.text.startsWith('rank,code,bps_code,name,'));
  assert.equal(english.text.split(/\r?\n/).filter(Boolean).length, 515);
});

test('every request of these pages went to the page own origin, with no CSP violation or script error', () => {
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
