/** The two bundled shiki themes, one per site theme (shared by fences and components). */
export const SHIKI_THEMES = { light: "github-light", dark: "github-dark" } as const;
