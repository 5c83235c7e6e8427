/// <reference lib="dom" />
// The report page's HTML elements: a section of the page, and an element with its text and class.
// Every string reaches the page through textContent (d3 .text()), never as markup.

import { select, type Selection } from 'd3';

export type Html = Selection<HTMLElement, unknown, null, undefined>;

/** A new `tag` element at the end of `parent`, with its text and class when given. */
export function el(parent: Html, tag: keyof HTMLElementTagNameMap, text?: string, cls?: string): Html {
  const s = parent.append<HTMLElement>(tag);
  if (cls !== undefined) s.attr('class', cls);
  if (text !== undefined) s.text(text);
  return s;
}

/** A new <section id=…> at the end of the page, with its heading and introduction. */
export function section(id: string, title: string, intro?: string): Html {
  const s = select(document.body).append('section').attr('id', id);
  el(s, 'h2', title);
  if (intro !== undefined) el(s, 'p', intro, 'intro');
  return s;
}
