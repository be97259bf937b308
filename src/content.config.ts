/**
 * The articles: one MDX file per section under content/, in reading order.
 * Frontmatter is validated here, so a missing title or a misspelt section
 * fails the build with the file named.
 */
import { defineCollection } from "astro:content";
import { glob } from "astro/loaders";
import { z } from "astro/zod";
import { SECTIONS } from "./lib/sections.ts";

const articles = defineCollection({
  loader: glob({ pattern: "**/*.mdx", base: "./content" }),
  schema: z
    .object({
      title: z.string().min(1),
      description: z.string().min(1),
      order: z.number(),
      section: z.enum(SECTIONS),
      /** OVS table number, for the articles about one table. */
      table: z.number().int().min(0).max(254).optional(),
    })
    .strict(),
});

export const collections = { articles };
