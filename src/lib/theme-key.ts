/** localStorage key holding "light" or "dark" once the reader has chosen (shared with the browser code). */
export const THEME_STORAGE_KEY = "ovs-lab-theme";
