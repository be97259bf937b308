// @ts-check
import { defineConfig } from "astro/config";
import mdx from "@astrojs/mdx";
import preact from "@astrojs/preact";
import { unified } from "@astrojs/markdown-remark";
import remarkDirective from "remark-directive";
import { fileURLToPath } from "node:url";
import remarkLab from "./src/plugins/remark-lab.ts";
import { LAB_GRAMMARS } from "./src/lib/grammars/index.ts";
import { SHIKI_THEMES } from "./src/lib/shiki-themes.ts";

export default defineConfig({
  output: "static",
  integrations: [mdx(), preact()],
  build: {
    // One cacheable stylesheet for every page rather than <style> copies.
    inlineStylesheets: "never",
  },
  markdown: {
    // Astro 7 defaults to the Sätteri processor, which ignores remark plugins.
    // remark-lab turns the lab's directives (:::shell, ::flows, ::trace,
    // ::topology, ::pipeline) into components and checks them with the engine.
    processor: unified({
      remarkPlugins: [
        remarkDirective,
        [
          remarkLab,
          {
            componentsDir: fileURLToPath(new URL("./components/", import.meta.url)),
            lab: async () => (await import("./src/lib/lab.ts")).lab,
          },
        ],
      ],
    }),
    // Code fences: both themes as CSS variables (global.css picks one), and
    // the lab's grammars (```ovs-flows, ```ovs-trace, ```shell-session).
    shikiConfig: { themes: SHIKI_THEMES, defaultColor: false, langs: [...LAB_GRAMMARS, "shellscript"] },
  },
  vite: {
    build: {
      // Never inline scripts: the pages' only inline script is the theme
      // script whose hash src/lib/theme.ts exports for the CSP.
      assetsInlineLimit: 0,
    },
    // The engine is a workspace package consumed as TypeScript source
    // (its exports point at src/index.ts): let Vite compile it rather than
    // treat it as a prebuilt dependency.
    ssr: { noExternal: ["@ovs-lab/engine"] },
    optimizeDeps: { exclude: ["@ovs-lab/engine"] },
  },
});
