/** The site's own TextMate grammars for shiki. */
export { ovsFlows } from "./ovs-flows.ts";
export { ovsTrace } from "./ovs-trace.ts";
export { shellSession } from "./shell-session.ts";
import { ovsFlows } from "./ovs-flows.ts";
import { ovsTrace } from "./ovs-trace.ts";
import { shellSession } from "./shell-session.ts";

export const LAB_GRAMMARS = [ovsFlows, ovsTrace, shellSession];
export type LabLang = "ovs-flows" | "ovs-trace" | "shell-session" | "text";
