/** `ovs-ofctl show BRIDGE` and `ovs-vsctl show`. */
import type { Bridge, Port } from "../bridge/bridge.ts";
import type { OfVersion } from "../ofp/actions.ts";

function ofVersionTag(v: OfVersion): string {
  return v === 10 ? "" : ` (OF1.${v - 10})`;
}

function portLines(p: Port, live: boolean): string[] {
  const lines = [
    ` ${p.ofport}(${p.name}): addr:${p.mac ?? "00:00:00:00:00:00"}`,
    "     config:     0",
    `     state:      ${live ? "LIVE" : "0"}`,
  ];
  if (p.current) lines.push(`     current:    ${p.current}`);
  lines.push(`     speed: ${p.speedMbps ?? 0} Mbps now, 0 Mbps max`);
  return lines;
}

/** What `ovs-ofctl [-O VERSION] show BRIDGE` prints. */
export function ofctlShow(bridge: Bridge, version: OfVersion = 10): string {
  const ports = [...bridge.ports].sort((a, b) => a.ofport - b.ofport);
  const tag = ofVersionTag(version);
  const lines: string[] = [`OFPT_FEATURES_REPLY${tag} (xid=0x2): dpid:${bridge.dpid}`, "n_tables:254, n_buffers:0"];
  if (version === 10) {
    lines.push(
      "capabilities: FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS ARP_MATCH_IP",
      "actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst",
    );
    for (const p of ports) lines.push(...portLines(p, false));
    lines.push("OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal miss_send_len=0");
  } else {
    lines.push(`capabilities: FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS QUEUE_STATS${version >= 14 ? " BUNDLES" : ""}`);
    lines.push(`OFPST_PORT_DESC reply${tag} (xid=0x3):`);
    for (const p of ports) lines.push(...portLines(p, true));
    lines.push(`OFPT_GET_CONFIG_REPLY${tag} (xid=0x5): frags=normal miss_send_len=0`);
  }
  return lines.map((l) => l + "\n").join("");
}

/** OVSDB's string quoting in `ovs-vsctl show` (`string_needs_quotes`). */
function ovsdbString(s: string): string {
  const plain =
    /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s) &&
    s !== "true" && s !== "false" &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
  return plain ? s : JSON.stringify(s);
}

/** What `ovs-vsctl show` prints for a database holding these bridges (ports in the given order). */
export function vsctlShow(bridges: readonly Bridge[], uuid?: string, ovsVersion?: string): string {
  const first = bridges[0];
  const lines: string[] = [uuid ?? first?.uuid ?? "00000000-0000-4000-8000-000000000000"];
  for (const b of bridges) {
    lines.push(`    Bridge ${ovsdbString(b.name)}`);
    if (b.datapathType) lines.push(`        datapath_type: ${b.datapathType}`);
    for (const p of b.ports) {
      lines.push(`        Port ${ovsdbString(p.name)}`);
      lines.push(`            Interface ${ovsdbString(p.name)}`);
      if (p.type !== "system") lines.push(`                type: ${p.type}`);
      const opts = p.options ? Object.keys(p.options).sort() : [];
      if (opts.length) {
        lines.push(`                options: {${opts.map((k) => `${ovsdbString(k)}=${ovsdbString(p.options![k]!)}`).join(", ")}}`);
      }
    }
  }
  const version = ovsVersion ?? first?.ovsVersion;
  if (version) lines.push(`    ovs_version: "${version}"`);
  return lines.map((l) => l + "\n").join("");
}
