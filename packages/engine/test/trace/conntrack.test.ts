// Conntrack semantics: the stateful tracker (real packets) and the
// --ct-next model (ofproto/trace).
import { describe, expect, it } from "vitest";
import { Conntrack, CtNextStates } from "../../src/bridge/conntrack.ts";
import { CS_DNAT, CS_EST, CS_INV, CS_NEW, CS_RPL, CS_SNAT, CS_TRK, formatCtState, P, parseTraceFlow } from "../../src/bridge/packet.ts";
import { traceFlow } from "../../src/bridge/xlate.ts";
import { formatTrace } from "../../src/render/trace.ts";
import { fixture, labBridge } from "./helpers.ts";
import { OfpError } from "../../src/ofp/errors.ts";

const pkt = (s: string) => parseTraceFlow(s);
const FWD = pkt("tcp,nw_src=10.222.1.48,nw_dst=10.222.1.47,tp_src=34567,tp_dst=80");
const REV = pkt("tcp,nw_src=10.222.1.47,nw_dst=10.222.1.48,tp_src=80,tp_dst=34567");

describe("Conntrack (stateful)", () => {
  it("a new connection is new until committed, then est once a reply is seen", () => {
    const ct = new Conntrack();
    expect(ct.execute(FWD, { zone: 1, commit: false, force: false }).state).toBe(CS_TRK | CS_NEW);
    expect(ct.connections()).toHaveLength(0);
    expect(ct.execute(FWD, { zone: 1, commit: true, force: false }).state).toBe(CS_TRK | CS_NEW);
    expect(ct.connections()).toHaveLength(1);
    // Original direction again, no reply yet: still new.
    expect(ct.execute(FWD, { zone: 1, commit: false, force: false }).state).toBe(CS_TRK | CS_NEW);
    // The reply: established, reply direction.
    expect(ct.execute(REV, { zone: 1, commit: false, force: false }).state).toBe(CS_TRK | CS_EST | CS_RPL);
    // Later packets of the original direction: established, not reply.
    expect(ct.execute(FWD, { zone: 1, commit: false, force: false }).state).toBe(CS_TRK | CS_EST);
    expect(formatCtState(CS_TRK | CS_EST | CS_RPL)).toBe("est|rpl|trk");
  });

  it("keeps mark and label set by a committing exec() and reports them on later packets", () => {
    const ct = new Conntrack();
    const r = ct.execute(FWD, { zone: 1, commit: true, force: false, mark: { value: 0x20n, mask: 0xffffffffn } });
    expect(r.mark).toBe(0x20n);
    expect(ct.execute(REV, { zone: 1, commit: false, force: false }).mark).toBe(0x20n);
    // A masked update keeps the other bits.
    ct.execute(FWD, { zone: 1, commit: true, force: false, mark: { value: 0x1n, mask: 0x1n }, label: { value: 0x100n, mask: 0xf00n } });
    const later = ct.execute(FWD, { zone: 1, commit: false, force: false });
    expect(later.mark).toBe(0x21n);
    expect(later.label).toBe(0x100n);
    // exec() without commit does not touch the connection.
    ct.execute(FWD, { zone: 1, commit: false, force: false, mark: { value: 0x99n, mask: 0xffffffffn } });
    expect(ct.execute(FWD, { zone: 1, commit: false, force: false }).mark).toBe(0x21n);
  });

  it("zones are isolated", () => {
    const ct = new Conntrack();
    ct.execute(FWD, { zone: 1, commit: true, force: false, mark: { value: 5n, mask: 0xffffffffn } });
    const other = ct.execute(REV, { zone: 2, commit: false, force: false });
    expect(other.state).toBe(CS_TRK | CS_NEW);
    expect(other.mark).toBe(0n);
    expect(ct.execute(REV, { zone: 1, commit: false, force: false }).state).toBe(CS_TRK | CS_EST | CS_RPL);
  });

  it("DNAT on commit, re-applied to the original direction and undone on replies", () => {
    const ct = new Conntrack();
    const svc = pkt("tcp,nw_src=10.222.1.48,nw_dst=10.104.65.133,tp_src=34567,tp_dst=80");
    const nat = { kind: "dst" as const, addrMin: 0x0ade012fn, portMin: 8080 }; // 10.222.1.47:8080
    const first = ct.execute(svc, { zone: 65520, commit: true, force: false, nat });
    expect(first.state).toBe(CS_TRK | CS_NEW | CS_DNAT);
    expect(first.after).toMatchObject({ src: 0x0ade0130n, dst: 0x0ade012fn, sport: 34567n, dport: 8080n });
    // The backend answers from 10.222.1.47:8080; ct(nat) un-NATs it to the Service address.
    const reply = pkt("tcp,nw_src=10.222.1.47,nw_dst=10.222.1.48,tp_src=8080,tp_dst=34567");
    const r = ct.execute(reply, { zone: 65520, commit: false, force: false, nat: { kind: undefined } });
    expect(r.state).toBe(CS_TRK | CS_EST | CS_RPL | CS_DNAT);
    expect(r.after).toMatchObject({ src: 0x0a684185n, dst: 0x0ade0130n, sport: 80n, dport: 34567n });
    // The next packet of the client is translated again.
    const again = ct.execute(svc, { zone: 65520, commit: false, force: false, nat: { kind: undefined } });
    expect(again.state).toBe(CS_TRK | CS_EST | CS_DNAT);
    expect(again.after).toMatchObject({ dst: 0x0ade012fn, dport: 8080n });
    // Without nat in the ct action the packet is tracked but not translated.
    expect(ct.execute(svc, { zone: 65520, commit: false, force: false }).after).toMatchObject({ dst: 0x0a684185n, dport: 80n });
    expect(ct.dump()).toBe(
      "tcp,orig=(src=10.222.1.48,dst=10.104.65.133,sport=34567,dport=80),reply=(src=10.222.1.47,dst=10.222.1.48,sport=8080,dport=34567),zone=65520,protoinfo=(state=ESTABLISHED)\n",
    );
  });

  it("SNAT", () => {
    const ct = new Conntrack();
    const r = ct.execute(FWD, { zone: 0, commit: true, force: false, nat: { kind: "src", addrMin: 0x0ade0101n } });
    expect(r.state).toBe(CS_TRK | CS_NEW | CS_SNAT);
    expect(r.after).toMatchObject({ src: 0x0ade0101n, sport: 34567n });
    const reply = pkt("tcp,nw_src=10.222.1.47,nw_dst=10.222.1.1,tp_src=80,tp_dst=34567");
    expect(ct.execute(reply, { zone: 0, commit: false, force: false, nat: { kind: undefined } }).after)
      .toMatchObject({ dst: 0x0ade0130n });
  });

  it("commit,force restarts a connection seen in the reply direction", () => {
    const ct = new Conntrack();
    ct.execute(FWD, { zone: 0, commit: true, force: false });
    const r = ct.execute(REV, { zone: 0, commit: true, force: true });
    expect(r.state).toBe(CS_TRK | CS_NEW);
    expect(ct.connections()).toHaveLength(1);
    expect(ct.connections()[0]!.orig.src).toBe(REV[P.nw_src]);
  });

  it("non-IP packets are invalid", () => {
    const ct = new Conntrack();
    expect(ct.execute(pkt("arp"), { zone: 0, commit: true, force: false }).state).toBe(CS_TRK | CS_INV);
  });
});

describe("--ct-next model", () => {
  it("takes the given states in order, then the default trk|new", () => {
    const n = new CtNextStates(["trk,est", "trk est rpl"]);
    expect(n.next()).toEqual({ state: CS_TRK | CS_EST, isDefault: false });
    expect(n.next()).toEqual({ state: CS_TRK | CS_EST | CS_RPL, isDefault: false });
    expect(n.next()).toEqual({ state: CS_TRK | CS_NEW, isDefault: true });
  });

  it("rejects states as ofproto/trace does", () => {
    expect(() => new CtNextStates(["new"])).toThrow('new: invalid connection state: If "trk" is unset, no other flags are set');
    expect(() => new CtNextStates(["est|trk"])).toThrow(OfpError);
  });
});

describe("tracing with a stateful tracker (real-packet semantics)", () => {
  const flows = fixture("flows-4.2.txt");
  const req = "in_port=49,tcp,dl_src=be:2c:bf:e4:ec:c5,dl_dst=4e:99:08:c1:53:be,nw_src=10.222.1.48,nw_dst=10.222.1.47,nw_ttl=64,tp_src=34567,tp_dst=80,tcp_flags=syn";

  it("the first packet commits, the reply is est|rpl and the connection carries ct_mark", () => {
    const bridge = labBridge(flows);
    const ct = new Conntrack();
    const first = traceFlow(bridge, req, { conntrack: ct });
    expect(first.passes.map((p) => p.ctState)).toEqual([undefined, CS_TRK | CS_NEW, CS_TRK | CS_NEW]);
    expect(ct.connections()).toHaveLength(1);
    expect(ct.connections()[0]!.zone).toBe(65520);
    // Second packet of the same connection: established (no reply yet: still new in Linux terms).
    const reply = "in_port=48,tcp,dl_src=f2:32:d8:07:e2:a6,dl_dst=aa:bb:cc:dd:ee:ff,nw_src=10.222.1.47,nw_dst=10.222.1.48,nw_ttl=64,tp_src=80,tp_dst=34567,tcp_flags=syn|ack";
    const r = traceFlow(bridge, reply, { conntrack: ct });
    expect(r.passes[1]!.ctState).toBe(CS_TRK | CS_EST | CS_RPL);
    expect(formatTrace(r)).toContain("recirc(0x1) - resume conntrack with ct_state=est|rpl|trk");
    // ct(commit) of the first trace ran in zone 65520 with table 105's ct_mark (none for this path).
    expect(r.passes[1]!.flow[P.ct_zone]).toBe(65520n);
  });

  it("learn installs its flow only with side effects", () => {
    const bridge = labBridge("table=0,priority=10,tcp,actions=learn(table=5,priority=7,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0x1->NXM_NX_REG1[],output:NXM_OF_IN_PORT[]),resubmit(,5)\n");
    const flow = "in_port=49,tcp,dl_src=be:2c:bf:e4:ec:c5";
    expect(formatTrace(traceFlow(bridge, flow))).toContain(">> suppressing side effects, so learn action ignored");
    expect(bridge.table(5)).toBeUndefined();
    const r = traceFlow(bridge, flow, { sideEffects: true });
    expect(r.learned).toEqual(["table=5,priority=7,eth_dst=be:2c:bf:e4:ec:c5,actions=load:0x1->NXM_NX_REG1[],output:49"]);
    expect(bridge.table(5)?.size).toBe(1);
  });

  it("exposes what a real packet does where ofproto/trace refuses to tunnel (§9 quirk 1)", () => {
    const bridge = labBridge(flows);
    const r = traceFlow(bridge, "in_port=49,tcp,dl_src=be:2c:bf:e4:ec:c5,dl_dst=4e:99:08:c1:53:be,nw_src=10.222.1.48,nw_dst=10.222.2.34,nw_ttl=64,tp_src=34567,tp_dst=80,tcp_flags=syn");
    const last = r.passes[r.passes.length - 1]!;
    expect(formatTrace(r)).toContain(">> Not tunneling to our own address");
    expect(last.outputs).toHaveLength(1);
    expect(last.outputs[0]).toMatchObject({ port: 1, traceOnly: "not-tunneling-to-own-address", tunnel: { dst: "10.79.1.202" } });
    expect(last.datapathActions).toBe("drop");
  });
});
