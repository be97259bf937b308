/**
 * The two shiki themes, one per site theme (shared by fences and components):
 * GitHub's light and dark themes with the token colours that fall short of
 * WCAG AA on the code background (4.5:1) replaced, so that every highlighted
 * token is readable. Renamed, since they are no longer GitHub's exactly.
 */
import { bundledThemes, type ThemeRegistration } from "shiki";

/** Token colour replacements per bundled theme (lower-case #rrggbb). */
const FIXES = {
  // Variables (the ovs-flows values, shell variables): #e36209 is 3.5:1 on #fff.
  "github-light": { "#e36209": "#b35000" },
  // Comments: #6a737d is 3.1:1 on #24292e.
  "github-dark": { "#6a737d": "#959da5" },
} as const;

async function adapted(base: keyof typeof FIXES, name: string): Promise<ThemeRegistration> {
  const theme = (await bundledThemes[base]()).default as ThemeRegistration;
  const fixes: Readonly<Record<string, string>> = FIXES[base];
  const swap = (colour: string | undefined): string | undefined =>
    colour === undefined ? undefined : (fixes[colour.toLowerCase().slice(0, 7)] ?? colour);
  return {
    ...theme,
    name,
    displayName: `${theme.displayName ?? base} (lab, WCAG AA)`,
    tokenColors: (theme.tokenColors ?? []).map((rule) =>
      rule.settings.foreground === undefined
        ? rule
        : { ...rule, settings: { ...rule.settings, foreground: swap(rule.settings.foreground)! } },
    ),
  };
}

export const SHIKI_THEMES = {
  light: await adapted("github-light", "lab-light"),
  dark: await adapted("github-dark", "lab-dark"),
} as const;
