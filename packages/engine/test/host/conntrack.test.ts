import { describe, expect, it } from "vitest";
import { conntrackSummary, formatConntrackL, HostConntrack } from "../../src/host/conntrack.ts";

describe("host conntrack", () => {
  it("records DNAT so that replies are un-DNATed", () => {
    const ct = new HostConntrack();
    const orig = { proto: "tcp" as const, src: "10.222.1.48", dst: "10.104.65.133", sport: 40000, dport: 80 };
    const e = ct.confirm(orig, { ...orig, dst: "10.222.2.34" });
    const reply = ct.lookup({ proto: "tcp", src: "10.222.2.34", dst: "10.222.1.48", sport: 80, dport: 40000 });
    expect(reply?.dir).toBe("reply");
    expect(HostConntrack.translate(e, "reply")).toEqual({ proto: "tcp", src: "10.104.65.133", dst: "10.222.1.48", sport: 80, dport: 40000 });
    expect(HostConntrack.hasDnat(e)).toBe(true);
    expect(HostConntrack.hasSnat(e)).toBe(false);
    ct.see(e, "original", { syn: true });
    expect(formatConntrackL(ct)).toBe(
      "tcp      6 120 SYN_SENT src=10.222.1.48 dst=10.104.65.133 sport=40000 dport=80 [UNREPLIED] src=10.222.2.34 dst=10.222.1.48 sport=80 dport=40000 mark=0 use=1\n",
    );
    ct.see(e, "reply", { syn: true, ack: true });
    ct.see(e, "original", { ack: true });
    expect(formatConntrackL(ct)).toContain("tcp      6 432000 ESTABLISHED src=10.222.1.48 dst=10.104.65.133 sport=40000 dport=80 src=10.222.2.34 dst=10.222.1.48 sport=80 dport=40000 [ASSURED] mark=0 use=1");
    expect(conntrackSummary(ct)).toBe("conntrack v1.4.4 (conntrack-tools): 1 flow entries have been shown.\n");
  });
});
