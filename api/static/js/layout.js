// The layout where CSS alone cannot decide: on a phone the scenario panel is a drawer over the
// page, opened by a button at the top of the list (the panel itself stays scenario.js's); a table
// that fits its column grows with the page under its one scroll, while a wider table or drawing
// scrolls sideways in a frame of its own, which the keyboard can then reach.

import { byId, debounce } from './dom.js';
import { t } from './i18n.js';

// The same width as the drawer rules in lokus.css.
const NARROW = window.matchMedia('(max-width: 860px)');

let drawer;
let opener;
let backdrop;

const isOpen = () => drawer.classList.contains('is-open');

/** What the drawer covers: made inert while it is open, so focus and clicks stay in it. */
const behind = () => [document.querySelector('.skip'), document.querySelector('.topbar'), byId('status-bar'), byId('demo-banner'), byId('main')];

function openDrawer() {
  drawer.classList.add('is-open');
  drawer.setAttribute('role', 'dialog');
  drawer.setAttribute('aria-modal', 'true');
  drawer.setAttribute('aria-labelledby', 'scenario-title');
  opener.setAttribute('aria-expanded', 'true');
  backdrop.hidden = false;
  for (const node of behind()) node.inert = true;
  document.body.classList.add('drawer-shown');
  byId('scenario-close').focus();
}

function closeDrawer({ restoreFocus = true } = {}) {
  if (!isOpen()) return;
  drawer.classList.remove('is-open');
  for (const name of ['role', 'aria-modal', 'aria-labelledby']) drawer.removeAttribute(name);
  opener.setAttribute('aria-expanded', 'false');
  backdrop.hidden = true;
  for (const node of behind()) node.inert = false;
  document.body.classList.remove('drawer-shown');
  if (restoreFocus) opener.focus();
}

export function initDrawer() {
  drawer = byId('scenario-drawer');
  opener = byId('scenario-open');
  backdrop = byId('scenario-backdrop');
  opener.addEventListener('click', openDrawer);
  byId('scenario-close').addEventListener('click', () => closeDrawer());
  backdrop.addEventListener('click', () => closeDrawer());
  drawer.addEventListener('keydown', (event) => {
    // A suggestion list in the panel closes first (its own Escape is marked as handled).
    if (event.key === 'Escape' && !event.defaultPrevented && isOpen()) {
      event.preventDefault();
      closeDrawer();
    }
  });
  // Turning a tablet or widening the window shows the panel beside the list again.
  NARROW.addEventListener('change', () => {
    if (!NARROW.matches) closeDrawer({ restoreFocus: false });
  });
}

/** A frame's name: its table's caption or figure's caption, else the heading just before it. */
function frameName(frame) {
  const caption = frame.querySelector('caption, figcaption');
  if (caption) return caption.textContent;
  for (let n = frame.previousElementSibling; n; n = n.previousElementSibling) {
    if (/^H[2-6]$/.test(n.tagName)) return n.textContent;
  }
  return t('layout.table_frame');
}

/**
 * Lets a table that fits its column grow with the page (class `fits`, see lokus.css); gives every
 * frame that scrolls sideways (a wider table, a wide drawing) a tab stop and a name.
 */
function markFrames(root) {
  for (const frame of root.querySelectorAll('.table-wrap, figure')) {
    // Hidden (another tab): measured when shown.
    if (!frame.clientWidth) continue;
    const scrolls = frame.scrollWidth > frame.clientWidth + 1;
    if (frame.classList.contains('table-wrap')) frame.classList.toggle('fits', !scrolls);
    if (scrolls && !frame.hasAttribute('tabindex')) {
      frame.tabIndex = 0;
      frame.setAttribute('role', 'region');
      frame.setAttribute('aria-label', frameName(frame));
    } else if (!scrolls && frame.hasAttribute('tabindex')) {
      for (const name of ['tabindex', 'role', 'aria-label']) frame.removeAttribute(name);
    }
  }
}

/** Keeps the frames under `root` marked as views draw and the window changes width. */
export function watchFrames(root) {
  const mark = debounce(() => markFrames(root), 100);
  // A view shown by its tab (the hidden attribute) has frames to measure anew.
  new MutationObserver(mark).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
  window.addEventListener('resize', mark);
  mark();
}
