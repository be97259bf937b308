/**
 * Reading order, sidebar groups, previous/next links and the per-article
 * table of contents, as pure functions over the articles' metadata (no
 * Astro imports, so they are unit-testable).
 */
import { SECTIONS, type Section } from "./sections.ts";

export interface ArticleMeta {
  /** Collection id: the path under content/ without the extension. */
  readonly id: string;
  readonly data: {
    readonly title: string;
    readonly description: string;
    readonly order: number;
    readonly section: Section;
    readonly table?: number | undefined;
  };
}

export interface NavLink {
  readonly href: string;
  readonly title: string;
  readonly id: string;
}

export interface NavGroup {
  readonly section: Section;
  readonly links: readonly NavLink[];
}

/**
 * URL path segment(s) of an article: its id without the numeric prefixes
 * that keep content/ sorted (`03-classifier` → `classifier`).
 */
export function articleSlug(id: string): string {
  return id
    .split("/")
    .map((part) => part.replace(/^\d+[-_]/, ""))
    .join("/");
}

export function articleHref(id: string): string {
  return `/${articleSlug(id)}/`;
}

/**
 * Reading order: sections in the guide's order, then `order` within a
 * section. Throws when two articles would share a URL or an order number,
 * since either makes the order ambiguous.
 */
export function readingOrder<T extends ArticleMeta>(articles: readonly T[]): T[] {
  const seenSlug = new Map<string, string>();
  const seenOrder = new Map<number, string>();
  for (const a of articles) {
    const slug = articleSlug(a.id);
    const other = seenSlug.get(slug);
    if (other) throw new Error(`content/${a.id}.mdx and content/${other}.mdx both map to /${slug}/`);
    seenSlug.set(slug, a.id);
    const same = seenOrder.get(a.data.order);
    if (same) throw new Error(`content/${a.id}.mdx and content/${same}.mdx both have order ${a.data.order}`);
    seenOrder.set(a.data.order, a.id);
  }
  const rank = (s: Section): number => SECTIONS.indexOf(s);
  return [...articles].sort((a, b) => rank(a.data.section) - rank(b.data.section) || a.data.order - b.data.order);
}

export function toLink(a: ArticleMeta): NavLink {
  return { href: articleHref(a.id), title: a.data.title, id: a.id };
}

/** The sidebar: non-empty sections in order, each with its articles in reading order. */
export function sidebarGroups(ordered: readonly ArticleMeta[]): NavGroup[] {
  return SECTIONS.map((section) => ({
    section,
    links: ordered.filter((a) => a.data.section === section).map(toLink),
  })).filter((g) => g.links.length > 0);
}

export function neighbours(ordered: readonly ArticleMeta[], id: string): { prev?: NavLink; next?: NavLink } {
  const i = ordered.findIndex((a) => a.id === id);
  if (i < 0) return {};
  const prev = ordered[i - 1];
  const next = ordered[i + 1];
  return { ...(prev ? { prev: toLink(prev) } : {}), ...(next ? { next: toLink(next) } : {}) };
}

export interface Heading {
  readonly depth: number;
  readonly slug: string;
  readonly text: string;
}

export interface TocEntry {
  readonly slug: string;
  readonly text: string;
  readonly children: TocEntry[];
}

/** h2 entries with their h3 children; an h3 before any h2 becomes a top entry. */
export function tableOfContents(headings: readonly Heading[]): TocEntry[] {
  const toc: TocEntry[] = [];
  for (const h of headings) {
    if (h.depth === 2 || (h.depth === 3 && toc.length === 0)) {
      toc.push({ slug: h.slug, text: h.text, children: [] });
    } else if (h.depth === 3) {
      toc[toc.length - 1]!.children.push({ slug: h.slug, text: h.text, children: [] });
    }
  }
  return toc;
}
