/**
 * A cluster trace (the live layer's TraceView) as plain text, hop by hop:
 * what /embed/trace and the playground show for a walk the build did not
 * render, until the live Trace component draws it.
 */
import type { TracePathView, TraceView } from "../live/client.ts";

function pathText(p: TracePathView): string[] {
  const out: string[] = [];
  for (const h of p.hops) {
    out.push(h.title);
    if (h.kind === "host") for (const l of h.lines) out.push(`    ${l}`);
    if (h.kind === "ovs") {
      for (const pass of h.passes) {
        out.push(`  ${pass.label}`);
        for (const st of pass.steps) {
          out.push(`    table ${st.table}${st.tableName ? ` ${st.tableName}` : ""}: ${st.flow || "no flow matched, and the table has no miss flow"}`);
        }
      }
      if (h.allowedBy?.length) out.push(`  allowed by ${h.allowedBy.join("; ")}`);
      if (h.out) out.push(`  leaves through ${h.out} as ${h.packet}`);
      out.push(`  (${h.command})`);
    }
  }
  out.push(p.verdict);
  return out;
}

export function traceViewText(v: TraceView): string {
  const lines = [v.title, v.packet, "", ...pathText(v.forward)];
  if (v.reply) lines.push("", "The reply:", ...pathText(v.reply));
  lines.push("", `$ ${v.command}`);
  return lines.join("\n") + "\n";
}
