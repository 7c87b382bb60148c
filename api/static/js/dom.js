// The only way views touch the DOM: elements are built node by node and every value goes in as
// text (textContent / setAttribute), never as HTML, so nothing from the API can become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'on') for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Appends children: nodes as they are, strings and numbers as text nodes. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An HTML element: el('td', {class: 'num'}, '21,6'). */
export function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element: svg('circle', {cx: 1, cy: 2, r: 3}). */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Removes every child, then appends the new ones. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/** Sets the text of a node. */
export function setText(node, value) {
  node.textContent = value === null || value === undefined ? '' : String(value);
  return node;
}

export const byId = (id) => document.getElementById(id);

/** Calls fn at most once per `ms` of quiet. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
