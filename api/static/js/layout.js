// The narrow-screen layout: on a phone the scenario panel is a drawer over the page, opened by a
// button at the top of the list (the panel itself stays scenario.js's); tables and drawings too
// wide for the screen scroll sideways in their own frame, which the keyboard can then reach.

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

/** Gives every table frame or figure that scrolls sideways a tab stop and a name; the others none. */
function markFrames(root) {
  for (const frame of root.querySelectorAll('.table-wrap, figure')) {
    const scrolls = frame.scrollWidth > frame.clientWidth + 1;
    if (scrolls && !frame.hasAttribute('tabindex')) {
      const caption = frame.querySelector('caption, figcaption');
      frame.tabIndex = 0;
      frame.setAttribute('role', 'region');
      frame.setAttribute('aria-label', caption?.textContent || t('layout.table_frame'));
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
