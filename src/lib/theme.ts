/**
 * The one inline script of the site: it runs in <head> before the first
 * paint, picks the theme (the reader's saved choice, else the system's
 * preference) and marks the document as scripted. Its SHA-256 is computed
 * here, at build time, so a Content-Security-Policy can allow exactly this
 * script by hash and nothing else inline.
 */
import { createHash } from "node:crypto";
import { THEME_STORAGE_KEY } from "./theme-key.ts";

export { THEME_STORAGE_KEY };

export const THEME_SCRIPT =
  `(function(){var d=document.documentElement,t;` +
  `try{t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)})}catch(e){}` +
  `if(t!=="light"&&t!=="dark")t=matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light";` +
  `d.setAttribute("data-theme",t);d.classList.add("js")})()`;

/** The CSP source expression for THEME_SCRIPT: `'sha256-…'`. */
export const THEME_SCRIPT_HASH = `'sha256-${createHash("sha256").update(THEME_SCRIPT, "utf8").digest("base64")}'`;

/**
 * The policy the built pages carry. Everything is served from the site's own
 * origin; Pagefind compiles its WebAssembly, hence 'wasm-unsafe-eval'.
 * Shiki colours tokens with style attributes, hence 'unsafe-inline' for styles
 * only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' ${THEME_SCRIPT_HASH} 'wasm-unsafe-eval'`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");
