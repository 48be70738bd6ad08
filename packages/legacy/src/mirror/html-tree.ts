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

/** Trees are read, never reshaped (attributes change, elements stay): a subtree's list is made once. */
const listed = new WeakMap<Node, Element[]>();

/**
 * Every element under `root`, in document order. An array built without recursion: nested
 * generators cost a frame per level per element, a third of an 80 KB page's extraction.
 */
export function elements(root: Node): readonly Element[] {
  const cached = listed.get(root);
  if (cached) return cached;
  const out: Element[] = [];
  const stack: Node[] = [...childrenOf(root)].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    if (!isElement(node)) continue;
    out.push(node);
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  listed.set(root, out);
  return out;
}

/** The text of a subtree, as textContent gives it (script and style left out). */
export function textOf(root: Node): string {
  const parts: string[] = [];
  const stack: Node[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.nodeName === '#text') parts.push((n as DefaultTreeAdapterTypes.TextNode).value);
    else if (!isElement(n) || (n.tagName !== 'script' && n.tagName !== 'style')) {
      const children = childrenOf(n);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return parts.join('');
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
  const last = parts[parts.length - 1]!;
  // Right to left, as browsers match: the first element in document order that matches the last
  // compound and has ancestors (below root) matching the others in order.
  for (const el of elements(root)) {
    if (!matches(el, last)) continue;
    let i = parts.length - 2;
    for (let up = el.parentNode as Node | null; i >= 0 && up && up !== root; up = (up as Element).parentNode as Node | null) {
      if (isElement(up) && matches(up, parts[i]!)) i--;
    }
    if (i < 0) return el;
  }
  return null;
}
