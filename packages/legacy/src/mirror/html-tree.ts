/**
 * A legacy page as a tree, for extraction: parse5 (the WHATWG parser jsdom itself uses, without
 * jsdom's window: ten times faster on an 80 KB page here) and the few CSS selectors mapping
 * profiles need — type, #id, .class and their compounds, joined by descendant spaces. Pure.
 */
import { parse, serialize } from 'parse5';
import type { DefaultTreeAdapterTypes } from 'parse5';

export type Node = DefaultTreeAdapterTypes.Node;
export type Element = DefaultTreeAdapterTypes.Element;
type ParentNode = DefaultTreeAdapterTypes.ParentNode;

export const isElement = (n: Node): n is Element => 'tagName' in n;
const childrenOf = (n: Node): Node[] => ('childNodes' in n ? (n as ParentNode).childNodes : []);

export function parseHtml(html: string): DefaultTreeAdapterTypes.Document {
  return parse(html);
}

export function attr(el: Element, name: string): string | null {
  return el.attrs.find((a) => a.name === name)?.value ?? null;
}

export function setAttr(el: Element, name: string, value: string): void {
  const a = el.attrs.find((x) => x.name === name);
  if (a) a.value = value;
  else el.attrs.push({ name, value });
}

/** Every element under `root`, in document order. */
export function* elements(root: Node): Generator<Element> {
  for (const child of childrenOf(root)) {
    if (isElement(child)) {
      yield child;
      yield* elements(child);
    }
  }
}

/** The text of a subtree, as textContent gives it (script and style left out). */
export function textOf(root: Node): string {
  let out = '';
  const walk = (n: Node) => {
    if (n.nodeName === '#text') out += (n as DefaultTreeAdapterTypes.TextNode).value;
    else if (!isElement(n) || (n.tagName !== 'script' && n.tagName !== 'style')) for (const c of childrenOf(n)) walk(c);
  };
  walk(root);
  return out;
}

export const innerHtml = (el: Element): string => serialize(el);

interface Compound { tag: string | null; id: string | null; classes: string[] }

function compound(text: string): Compound | null {
  const m = /^([a-z][a-z0-9-]*|\*)?((?:[#.][\w-]+)*)$/i.exec(text);
  if (!m) return null;
  const parts = m[2]!.match(/[#.][\w-]+/g) ?? [];
  return {
    tag: m[1] && m[1] !== '*' ? m[1].toLowerCase() : null,
    id: parts.find((p) => p.startsWith('#'))?.slice(1) ?? null,
    classes: parts.filter((p) => p.startsWith('.')).map((p) => p.slice(1)),
  };
}

function matches(el: Element, c: Compound): boolean {
  if (c.tag && el.tagName !== c.tag) return false;
  if (c.id && attr(el, 'id') !== c.id) return false;
  if (c.classes.length) {
    const classes = (attr(el, 'class') ?? '').split(/\s+/);
    if (!c.classes.every((k) => classes.includes(k))) return false;
  }
  return true;
}

/** Whether a selector is one this reader understands (profiles are checked with it). */
export function isSupportedSelector(selector: string): boolean {
  const parts = selector.trim().split(/\s+/);
  return parts.length > 0 && parts.every((p) => compound(p) !== null);
}

/** The first element matching a selector (descendant combinators only), or null. */
export function querySelector(root: Node, selector: string): Element | null {
  const parts = selector.trim().split(/\s+/).map(compound);
  if (parts.length === 0 || parts.some((p) => p === null)) return null;
  const search = (scope: Node, i: number): Element | null => {
    for (const el of elements(scope)) {
      if (!matches(el, parts[i]!)) continue;
      if (i === parts.length - 1) return el;
      const deeper = search(el, i + 1);
      if (deeper) return deeper;
    }
    return null;
  };
  return search(root, 0);
}
