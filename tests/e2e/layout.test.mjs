// The page's layout and accessibility (issue 21, items 4 and 5), measured in the real DOM: on a
// 390 px phone nothing scrolls sideways, the scenario is a drawer and the dialogs fit; at
// 1366×768 and 1920×1080 the list scrolls with the page under a sticky header, every text is
// at least 12 px; axe-core finds no serious or critical violation on any view, the district
// dialog or the print preview, in either language. Screenshots: artifacts/layout-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, TOKEN, foreign, launch, newPage, problems, rows } from './lib.mjs';

const AXE = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const VIEWS = ['list', 'evidence', 'quadrant', 'map', 'provinces', 'robustness', 'compare', 'evaluation', 'data', 'penetapan'];
const LANGS = ['id', 'en'];
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
const DESKTOP = { width: 1920, height: 1080 };

let browser;
let context;
let page;
const runs = [];

/** Opens one view in one language and waits until its content (not only the list) is drawn. */
async function openView(view, lang, extra = '') {
  const query = new URLSearchParams({ view });
  if (lang === 'en') query.set('lang', 'en');
  // A saved run gives the workflow panel, the evaluation and the comparison something to show.
  if (['compare', 'evaluation'].includes(view) || extra) query.set('run', runs[0]);
  await page.goto(`${BASE}/?${query}`);
  await page.locator('#summary-line').waitFor();
  await page.waitForFunction(() => !document.body.classList.contains('is-loading'));
  const ready = {
    list: '#shortlist-table tbody tr',
    evidence: '#correlation-card',
    quadrant: '.quad',
    map: '#tile-map, #choropleth',
    provinces: '#province-table tbody tr',
    robustness: '#robust-table tbody tr',
    compare: '#compare-go',
    evaluation: '#evaluation-go',
    data: '#staged, #desk',
    penetapan: '#view-penetapan h2',
  }[view];
  await page.locator(ready).first().waitFor({ timeout: 90_000 });
  if (view === 'compare') {
    await page.locator('#compare-go').click();
    await page.locator('#compare-entered').waitFor();
  }
  if (view === 'evaluation') await page.locator('#rd-plot, #evaluation-error').first().waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
}

const shot = (name, options = {}) => page.screenshot({ path: `artifacts/layout-${name}.png`, ...options });

/** The document's width against the window's: a page wider than the window scrolls sideways. */
const widths = () => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));

/** The element's box in window coordinates. */
const box = (selector) =>
  page.locator(selector).first().evaluate((node) => {
    const r = node.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
  });

const inside = (b, w, h) => b.width > 0 && b.left >= 0 && b.top >= 0 && b.right <= w + 0.5 && b.bottom <= h + 0.5;

/**
 * The smallest rendered text sizes on screen: every non-blank text node that lays out, with the
 * computed font-size of its element (times the drawing's scale for text inside an SVG).
 */
function smallestText() {
  return page.evaluate(() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      let node = n.parentElement;
      if (!node || node.closest('title, style, script, desc')) continue;
      // An option's text shows in its select, at the select's size.
      if (node.closest('option')) node = node.closest('select');
      if (!node || !node.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const rect = range.getBoundingClientRect();
      if (node.tagName !== 'SELECT' && (rect.width < 2 || rect.height < 2)) continue; // clipped (sr-only)
      let size = parseFloat(getComputedStyle(node).fontSize);
      if (node instanceof SVGElement) {
        const m = node.getScreenCTM();
        size *= Math.hypot(m.a, m.b);
      }
      const where = [node.tagName.toLowerCase(), node.id && `#${node.id}`, node.classList.length && `.${[...node.classList].join('.')}`].filter(Boolean).join('');
      found.push({ size: Math.round(size * 100) / 100, where, text: n.textContent.trim().slice(0, 30) });
    }
    found.sort((a, b) => a.size - b.size);
    return found.slice(0, 4);
  });
}

/** axe-core's violations on the document as it is now, split into serious-or-critical and the rest. */
async function axe(label) {
  // Evaluated through the DevTools protocol, so the page keeps its strict CSP (no script tag).
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').split('\n').slice(1, 2).join('')}`),
      count: v.nodes.length,
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const rest = violations.filter((v) => !bad.includes(v));
  console.log(`axe ${label}: ${bad.length} serious/critical${rest.length ? `; other: ${rest.map((v) => `${v.id} (${v.impact}, ${v.count})`).join(', ')}` : ''}`);
  for (const v of bad) console.log(`  ${v.impact} ${v.id} ×${v.count}: ${v.help}\n    ${v.nodes.join('\n    ')}`);
  return bad.map((v) => `${label}: ${v.id} ×${v.count}`);
}

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: LAPTOP });
  page = await newPage(context);
  // Two saved runs (the comparison needs two), made through the API as any client would.
  for (const body of [{ title: 'Tata letak A', k: 100 }, { title: 'Tata letak B', k: 100, weights: { stunting: 0.8, spbe: 0.2 } }]) {
    const r = await fetch(`${BASE}/api/v1/rankings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await r.json();
    assert.equal(r.status, 201, JSON.stringify(json));
    runs.push(String(json.ranking.id));
  }
});

after(async () => {
  await browser?.close();
});

// ------------------------------------------------------------------ phone (item 4)

test('at 390 px no view in either language scrolls sideways, and the print buttons are on screen', async () => {
  await page.setViewportSize(PHONE);
  const failures = [];
  for (const lang of LANGS) {
    for (const view of VIEWS) {
      await openView(view, lang);
      await page.evaluate(() => window.scrollTo(0, 0));
      const w = await widths();
      console.log(`390 px ${view} (${lang}): page ${w.scroll} px wide`);
      if (w.scroll > w.inner) failures.push(`${view} (${lang}): the page is ${w.scroll} px wide`);
      for (const id of ['#print-button', '#print-annex-button']) {
        const b = await box(id);
        if (!inside(b, w.inner, PHONE.height)) failures.push(`${view} (${lang}): ${id} at ${JSON.stringify(b)}`);
      }
      // The top of the page, then the view from its tabs down (two screens).
      if (view === 'list') await shot(`390-top-${lang}`);
      const tabs = await page.locator('.tabs').evaluate((n) => n.getBoundingClientRect().top + window.scrollY);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await shot(`390-${view}-${lang}`, { fullPage: true, clip: { x: 0, y: tabs, width: PHONE.width, height: Math.min(2 * PHONE.height, height - tabs) } });
    }
  }
  assert.deepEqual(failures, []);
});

test('at 390 px the first row of the list is within the first screen and a half', async () => {
  await page.setViewportSize(PHONE);
  for (const lang of LANGS) {
    await openView('list', lang);
    const y = await rows(page).first().evaluate((tr) => tr.getBoundingClientRect().top + window.scrollY);
    console.log(`390 px list (${lang}): the first row starts ${Math.round(y)} px down (the screen is ${PHONE.height} px)`);
    assert.ok(y < 1.5 * PHONE.height, `first row at ${y} px`);
  }
});

test('on a phone the scenario is a drawer: a visible button opens it by keyboard, focus goes in, Escape closes it and focus comes back', async () => {
  await page.setViewportSize(PHONE);
  for (const lang of LANGS) {
    await openView('list', lang);
    const opener = page.locator('#scenario-open');
    assert.ok(await opener.isVisible(), 'the button that opens the scenario shows');
    assert.ok(inside(await box('#scenario-open'), PHONE.width, PHONE.height), 'the button is on the first screen');
    assert.ok(!(await page.locator('#scenario').isVisible()), 'the scenario is closed at first');
    assert.equal(await opener.getAttribute('aria-expanded'), 'false');
    // The keyboard alone: Tab from the top of the page to the button, Enter opens.
    await page.locator('body').focus();
    for (let i = 0; i < 15 && !(await opener.evaluate((n) => n === document.activeElement)); i += 1) await page.keyboard.press('Tab');
    assert.ok(await opener.evaluate((n) => n === document.activeElement), 'Tab reaches the button');
    await page.keyboard.press('Enter');
    await page.locator('#scenario-drawer.is-open').waitFor();
    assert.equal(await opener.getAttribute('aria-expanded'), 'true');
    const drawer = await box('#scenario-drawer');
    assert.ok(inside(drawer, PHONE.width, PHONE.height), `the drawer fits the screen: ${JSON.stringify(drawer)}`);
    const inDrawer = () => page.evaluate(() => document.getElementById('scenario-drawer').contains(document.activeElement));
    assert.ok(await inDrawer(), 'focus moved into the drawer');
    await shot(`390-drawer-${lang}`);
    // Focus stays in the drawer while it is open (the page behind is inert): past its last
    // control it leaves the document for the browser's own controls, then comes back in.
    let stops = 0;
    for (let i = 0; i < 50; i += 1) {
      await page.keyboard.press('Tab');
      if (await inDrawer()) stops += 1;
      else assert.ok(await page.evaluate(() => document.activeElement === document.body), `focus left the drawer after ${i + 1} Tabs`);
    }
    assert.ok(stops >= 45, `${stops} of 50 Tabs in the drawer`);
    // A control in the drawer works: k changes the list behind it.
    await page.locator('#sc-k').fill('30');
    await page.locator('#sc-k').press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#shortlist-table tbody tr').length === 30);
    await page.keyboard.press('Escape');
    await page.locator('#scenario-drawer.is-open').waitFor({ state: 'detached' });
    assert.ok(!(await page.locator('#scenario').isVisible()), 'Escape closed the drawer');
    assert.ok(await opener.evaluate((n) => n === document.activeElement), 'focus is back on the button');
    assert.equal(await opener.getAttribute('aria-expanded'), 'false');
    // The close button does the same.
    await opener.click();
    await page.locator('#scenario-close').click();
    assert.ok(!(await page.locator('#scenario').isVisible()));
    assert.ok(await opener.evaluate((n) => n === document.activeElement));
  }
  // On a wide screen there is no drawer: the panel stands beside the list.
  await page.setViewportSize(LAPTOP);
  assert.ok(await page.locator('#scenario').isVisible());
  assert.ok(!(await page.locator('#scenario-open').isVisible()));
});

test('on a phone the district dialog lies inside the screen', async () => {
  await page.setViewportSize(PHONE);
  for (const lang of LANGS) {
    await openView('list', lang);
    await rows(page).first().getByRole('button').focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('#district');
    await dialog.locator('table').waitFor();
    const b = await box('#district');
    const spill = await dialog.evaluate((d) => d.scrollWidth - d.clientWidth);
    console.log(`390 px district dialog (${lang}): ${JSON.stringify(b)}, ${spill} px wider than its box`);
    assert.ok(inside(b, PHONE.width, PHONE.height), JSON.stringify(b));
    assert.ok(spill <= 0, `the dialog's content is ${spill} px wider than the dialog`);
    await shot(`390-district-${lang}`);
    await page.keyboard.press('Escape');
    assert.ok(!(await dialog.isVisible()));
  }
});

// ------------------------------------------------------------------ reading (item 5)

test('at 1024, 1366×768 and 1920×1080 no view scrolls sideways, and at the last two every text is at least 12 px', async () => {
  const failures = [];
  // Between a phone and a laptop too, where the list is wider than its column.
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const view of VIEWS) {
    await openView(view, 'id');
    const w = await widths();
    if (w.scroll > w.inner) failures.push(`1024 ${view}: the page is ${w.scroll} px wide`);
  }
  for (const size of [LAPTOP, DESKTOP]) {
    await page.setViewportSize(size);
    for (const lang of LANGS) {
      for (const view of VIEWS) {
        await openView(view, lang);
        const w = await widths();
        if (w.scroll > w.inner) failures.push(`${size.width} ${view} (${lang}): the page is ${w.scroll} px wide`);
        const small = await smallestText();
        console.log(`${size.width}×${size.height} ${view} (${lang}): smallest text ${small.map((s) => `${s.size} px ${s.where} "${s.text}"`).join('; ')}`);
        for (const s of small.filter((x) => x.size < 12)) failures.push(`${size.width} ${view} (${lang}): ${s.size} px ${s.where} "${s.text}"`);
        await shot(`${size.width}-${view}-${lang}`);
      }
      await openView('list', lang);
      await rows(page).first().getByRole('button').click();
      await page.locator('#district table').waitFor();
      const small = await smallestText();
      console.log(`${size.width}×${size.height} district dialog (${lang}): smallest text ${small.map((s) => `${s.size} px ${s.where} "${s.text}"`).join('; ')}`);
      for (const s of small.filter((x) => x.size < 12)) failures.push(`${size.width} district (${lang}): ${s.size} px ${s.where} "${s.text}"`);
      await shot(`${size.width}-district-${lang}`);
      await page.keyboard.press('Escape');
    }
  }
  assert.deepEqual(failures, []);
});

test('at 1366×768 and 1920×1080 the list scrolls with the page and its header stays at the top', async () => {
  for (const size of [LAPTOP, DESKTOP]) {
    await page.setViewportSize(size);
    await openView('list', 'id');
    const nested = await page.locator('#shortlist-table').evaluate((table) => {
      const boxes = [];
      for (let n = table.parentElement; n && n !== document.documentElement; n = n.parentElement) {
        const s = getComputedStyle(n);
        if (/(auto|scroll)/.test(s.overflowY) && n.scrollHeight > n.clientHeight + 1) boxes.push(`${n.tagName.toLowerCase()}.${n.className}: ${n.clientHeight}/${n.scrollHeight} px`);
      }
      return boxes;
    });
    assert.deepEqual(nested, [], `${size.width}: the list scrolls inside a box`);
    // Scroll the page well into the list: the header row sticks to the top of the window.
    const tableTop = await page.locator('#shortlist-table').evaluate((t) => t.getBoundingClientRect().top + window.scrollY);
    await page.evaluate((y) => window.scrollTo(0, y), tableTop + 1200);
    const head = await box('#shortlist-table thead th');
    const scrolled = await page.evaluate(() => window.scrollY);
    console.log(`${size.width}×${size.height}: page scrolled to ${scrolled} px, the table header at ${Math.round(head.top)} px`);
    assert.ok(scrolled > tableTop + 1000, `the page itself scrolls (${scrolled})`);
    assert.ok(head.top >= -0.5 && head.top <= 1, `the header is at ${head.top} px`);
    await shot(`${size.width}-list-scrolled`);
  }
});

test('at 1366×768 the save button is reached by the page scroll, not by a scroll inside the panel', async () => {
  await page.setViewportSize(LAPTOP);
  await openView('list', 'id');
  const save = page.locator('#save-run');
  const inner = await save.evaluate((button) => {
    const boxes = [];
    for (let n = button.parentElement; n && n !== document.body; n = n.parentElement) {
      if (n.scrollHeight > n.clientHeight + 1 && /(auto|scroll|hidden)/.test(getComputedStyle(n).overflowY)) {
        boxes.push(`${n.tagName.toLowerCase()}#${n.id}: ${n.clientHeight}/${n.scrollHeight} px`);
      }
    }
    return boxes;
  });
  assert.deepEqual(inner, [], 'the scenario panel has no scroll of its own');
  // Keyboard: Tab reaches the button and the page scrolls to it.
  await page.locator('#sc-notes').focus();
  for (let i = 0; i < 5 && !(await save.evaluate((n) => n === document.activeElement)); i += 1) await page.keyboard.press('Tab');
  assert.ok(await save.evaluate((n) => n === document.activeElement));
  const b = await box('#save-run');
  console.log(`1366×768: the save button at ${Math.round(b.top + (await page.evaluate(() => window.scrollY)))} px down the page`);
  assert.ok(inside(b, LAPTOP.width, LAPTOP.height), JSON.stringify(b));
});

test('axe-core finds no serious or critical violation on any view, the district dialog, the drawer or the print preview, in either language', async () => {
  const failures = [];
  await page.setViewportSize(LAPTOP);
  for (const lang of LANGS) {
    for (const view of VIEWS) {
      await openView(view, lang);
      failures.push(...(await axe(`${view} (${lang})`)));
    }
    await openView('list', lang, 'run');
    failures.push(...(await axe(`saved run with its workflow (${lang})`)));
    await rows(page).first().getByRole('button').click();
    await page.locator('#district table').waitFor();
    failures.push(...(await axe(`district dialog (${lang})`)));
    await page.keyboard.press('Escape');
    await page.emulateMedia({ media: 'print' });
    failures.push(...(await axe(`print preview (${lang})`)));
    await page.emulateMedia({ media: 'screen' });
  }
  // On a phone, tables and drawings scroll in frames of their own, and the scenario is a drawer.
  await page.setViewportSize(PHONE);
  for (const lang of LANGS) {
    for (const view of VIEWS) {
      await openView(view, lang);
      failures.push(...(await axe(`390 px ${view} (${lang})`)));
    }
    const opener = page.locator('#scenario-open');
    if (await opener.count()) {
      await opener.click();
      failures.push(...(await axe(`390 px scenario drawer (${lang})`)));
    }
  }
  assert.deepEqual(failures, []);
});

test('the layout pages made no request off the origin and met no CSP refusal or script error', () => {
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
