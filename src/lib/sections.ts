/** The sections of the guide, in reading order (the sidebar's groups). */
export const SECTIONS = ["Basics", "Pipeline tables", "Walks", "Reference"] as const;
export type Section = (typeof SECTIONS)[number];
