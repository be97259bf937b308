// @ts-check
import { defineConfig } from "astro/config";
import mdx from "@astrojs/mdx";
import preact from "@astrojs/preact";
import { unified } from "@astrojs/markdown-remark";
import remarkDirective from "remark-directive";

export default defineConfig({
  output: "static",
  integrations: [mdx(), preact()],
  build: {
    // One cacheable stylesheet for every page rather than <style> copies.
    inlineStylesheets: "never",
  },
  markdown: {
    // Astro 7 defaults to the Sätteri processor, which ignores remark plugins.
    processor: unified({ remarkPlugins: [remarkDirective] }),
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
