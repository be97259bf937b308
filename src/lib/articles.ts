/** The article collection in reading order (Astro side of navigation.ts). */
import { getCollection, type CollectionEntry } from "astro:content";
import { readingOrder } from "./navigation.ts";

export type Article = CollectionEntry<"articles">;

let cached: Promise<Article[]> | undefined;

export function getArticles(): Promise<Article[]> {
  cached ??= getCollection("articles").then((all) => readingOrder(all));
  return cached;
}
