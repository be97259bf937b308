/**
 * Deterministic identities for everything a scenario does not pin. Each
 * value is a SHA-1 of a purpose tag, the scenario seed and the object's
 * name, so the same scenario always yields the same MACs, UUIDs and ports,
 * and adding an object never changes another object's hashed identity.
 */
import { sha1, toHex } from "./sha1.ts";

export function digest(seed: string, purpose: string, key: string): Uint8Array {
  return sha1(`ovs-lab\u0000${seed}\u0000${purpose}\u0000${key}`);
}

/** A locally administered unicast MAC (first octet xxxxxx10). */
export function derivedMac(seed: string, purpose: string, key: string): string {
  const d = digest(seed, purpose, key);
  const bytes = [(d[0]! & 0xfc) | 0x02, d[1]!, d[2]!, d[3]!, d[4]!, d[5]!];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** A 64-hex-digit Docker-style container ID. */
export function derivedContainerId(seed: string, key: string): string {
  return toHex(digest(seed, "container-id/1", key)) + toHex(digest(seed, "container-id/2", key)).slice(0, 24);
}

/** An RFC 4122 version 4 UUID. */
export function derivedUuid(seed: string, purpose: string, key: string): string {
  const d = digest(seed, purpose, key).slice(0, 16);
  d[6] = (d[6]! & 0x0f) | 0x40;
  d[8] = (d[8]! & 0x3f) | 0x80;
  const h = toHex(d);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An unsigned 32-bit number. */
export function derivedUint32(seed: string, purpose: string, key: string): number {
  const d = digest(seed, purpose, key);
  return ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
}

/** Kubernetes' rand.String alphabet (no vowels, no confusable digits). */
const K8S_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** A `generateName` suffix such as the `bpmx8` of `antrea-agent-bpmx8`. */
export function derivedNameSuffix(seed: string, purpose: string, key: string, length = 5): string {
  const d = digest(seed, purpose, key);
  let s = "";
  for (let i = 0; i < length; i++) s += K8S_ALPHANUMS[d[i]! % K8S_ALPHANUMS.length];
  return s;
}
