/**
 * The authored scenario of the article pages (content/seed.yaml), for the
 * live layer. Imported only from the lazily loaded store, so the text loads
 * with the live chunk, never before interaction.
 */
import text from "../../content/seed.yaml?raw";

export const SEED_SCENARIO: string = text;
export const SEED_FILE_NAME = "seed.yaml";
