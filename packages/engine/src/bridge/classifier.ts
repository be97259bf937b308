/**
 * One OpenFlow table's classifier, organised the way OVS's is (lib/classifier.c):
 * flows are grouped into subtables by match mask; subtables are kept in a
 * vector ordered by their highest priority (stable, so ties keep their
 * order); flows inside a subtable keep insertion order. That order is what
 * `dump-flows` prints. Lookups hash the packet under each subtable's mask,
 * so a table of 100k flows costs one hash probe per subtable, not a scan.
 * Conjunctive matches (`conjunction(id,k/n)` + `conj_id=id`) are evaluated
 * as OVS evaluates them.
 */
import { SLOT_COUNT, SLOT } from "../ofp/fields.ts";
import { maskSignature, matchesEqual, type Match } from "../ofp/match.ts";
import type { Flow } from "../ofp/flow.ts";

export interface Rule {
  readonly flow: Flow;
  /** Conjunction actions carried by the flow (a "soft" match when non-empty). */
  readonly conj: readonly { id: number; clause: number; nClauses: number }[];
  /** Monotonic insertion stamp. */
  readonly seq: number;
}

class Subtable {
  readonly signature: string;
  readonly slots: number[];
  readonly masks: bigint[];
  /** Rules in insertion order (dump order). */
  rules: Rule[] = [];
  /** Masked-key -> rules with that exact match, highest priority first. */
  readonly index = new Map<string, Rule[]>();
  maxPriority = -1;

  constructor(signature: string, match: Match) {
    this.signature = signature;
    this.slots = [];
    this.masks = [];
    for (let i = 0; i < SLOT_COUNT; i++) {
      const m = match.masks[i]!;
      if (m !== 0n) {
        this.slots.push(i);
        this.masks.push(m);
      }
    }
  }

  keyOfMatch(m: Match): string {
    let k = "";
    for (let i = 0; i < this.slots.length; i++) k += m.values[this.slots[i]!]!.toString(16) + "|";
    return k;
  }

  keyOfPacket(values: readonly bigint[]): string {
    let k = "";
    for (let i = 0; i < this.slots.length; i++) k += (values[this.slots[i]!]! & this.masks[i]!).toString(16) + "|";
    return k;
  }
}

export interface LookupResult {
  /** The flow whose actions run (for a conjunctive match, the `conj_id` flow). */
  readonly rule: Rule | undefined;
  /** Set when the rule was reached through a conjunctive match. */
  readonly conjId?: number;
}

const CONJ_ID = SLOT.conj_id!;

export class FlowTable {
  readonly id: number;
  private subtables: Subtable[] = [];
  private bySignature = new Map<string, Subtable>();
  private count = 0;

  constructor(id: number) {
    this.id = id;
  }

  get size(): number {
    return this.count;
  }

  /** Flows in the order `dump-flows` prints them. */
  *rules(): Generator<Rule> {
    for (const st of this.subtables) yield* st.rules;
  }

  /** Finds a flow with exactly this match and priority. */
  find(match: Match, priority: number): Rule | undefined {
    const st = this.bySignature.get(maskSignature(match));
    if (!st) return undefined;
    return st.index.get(st.keyOfMatch(match))?.find((r) => r.flow.priority === priority && matchesEqual(r.flow.match, match));
  }

  /**
   * Inserts a rule. A rule with the same match and priority is replaced;
   * either way the new rule goes to the end of its subtable, as in OVS.
   */
  insert(rule: Rule): Rule | undefined {
    const sig = maskSignature(rule.flow.match);
    let st = this.bySignature.get(sig);
    if (!st) {
      st = new Subtable(sig, rule.flow.match);
      this.bySignature.set(sig, st);
      this.subtables.push(st);
    }
    const key = st.keyOfMatch(rule.flow.match);
    const bucket = st.index.get(key) ?? [];
    let replaced: Rule | undefined;
    const i = bucket.findIndex((r) => r.flow.priority === rule.flow.priority);
    if (i >= 0) {
      replaced = bucket[i];
      bucket.splice(i, 1);
      st.rules = st.rules.filter((r) => r !== replaced);
      this.count--;
    }
    let at = bucket.findIndex((r) => r.flow.priority < rule.flow.priority);
    if (at < 0) at = bucket.length;
    bucket.splice(at, 0, rule);
    st.index.set(key, bucket);
    st.rules.push(rule);
    this.count++;
    this.updatePriority(st);
    return replaced;
  }

  /** Replaces a rule in place (keeping its position), as `replace-flows` does for unchanged flows. */
  remove(rule: Rule): boolean {
    const st = this.bySignature.get(maskSignature(rule.flow.match));
    if (!st) return false;
    const key = st.keyOfMatch(rule.flow.match);
    const bucket = st.index.get(key);
    const i = bucket?.indexOf(rule) ?? -1;
    if (!bucket || i < 0) return false;
    bucket.splice(i, 1);
    if (bucket.length === 0) st.index.delete(key);
    st.rules = st.rules.filter((r) => r !== rule);
    this.count--;
    if (st.rules.length === 0) {
      this.bySignature.delete(st.signature);
      this.removeSubtable(st);
    } else {
      this.updatePriority(st);
    }
    return true;
  }

  /**
   * OVS's `pvector_remove`: the last subtable takes the removed one's slot,
   * then the vector is sorted again (stably) by priority. So removing a
   * subtable can move the last one ahead of others of its priority.
   */
  private removeSubtable(st: Subtable): void {
    const i = this.subtables.indexOf(st);
    const last = this.subtables.pop()!;
    if (last !== st) this.subtables[i] = last;
    this.subtables.sort((a, b) => b.maxPriority - a.maxPriority);
  }

  private updatePriority(st: Subtable): void {
    let max = -1;
    for (const r of st.rules) if (r.flow.priority > max) max = r.flow.priority;
    if (max === st.maxPriority) return;
    st.maxPriority = max;
    // Array.prototype.sort is stable: equal priorities keep their relative order.
    this.subtables.sort((a, b) => b.maxPriority - a.maxPriority);
  }

  /** The highest-priority "hard" (non-conjunction) rule, and soft rules above it. */
  private search(values: readonly bigint[], wantSoft: boolean): { hard: Rule | undefined; soft: Rule[] } {
    let hard: Rule | undefined;
    const soft: Rule[] = [];
    for (const st of this.subtables) {
      if (hard && st.maxPriority <= hard.flow.priority) break;
      const bucket = st.index.get(st.keyOfPacket(values));
      if (!bucket) continue;
      for (const r of bucket) {
        if (hard && r.flow.priority <= hard.flow.priority) break;
        if (r.conj.length) {
          if (wantSoft) soft.push(r);
          continue;
        }
        hard = r;
        break;
      }
    }
    return { hard, soft: hard ? soft.filter((r) => r.flow.priority > hard.flow.priority) : soft };
  }

  /** OVS's `classifier_lookup` with conjunctive matching. */
  lookup(values: readonly bigint[]): LookupResult {
    const { hard, soft } = this.search(values, true);
    if (soft.length === 0) return { rule: hard };
    // Soft matches, highest priority first; within a priority, in dump order.
    const order = new Map<Rule, number>();
    let n = 0;
    for (const r of this.rules()) order.set(r, n++);
    soft.sort((a, b) => b.flow.priority - a.flow.priority || order.get(a)! - order.get(b)!);
    const dead = new Set<number>();
    let i = 0;
    while (i < soft.length) {
      const p = soft[i]!.flow.priority;
      const clauses = new Map<number, bigint>();
      let j = i;
      for (; j < soft.length && soft[j]!.flow.priority === p; j++) {
        for (const c of soft[j]!.conj) {
          if (dead.has(c.id)) continue;
          const all = (1n << BigInt(c.nClauses)) - 1n;
          const bits = (clauses.get(c.id) ?? 0n) | (1n << BigInt(c.clause - 1));
          clauses.set(c.id, bits);
          if ((bits & all) === all) {
            const withConj = values.slice();
            withConj[CONJ_ID] = BigInt(c.id);
            const found = this.search(withConj, false).hard;
            if (found) return { rule: found, conjId: c.id };
            dead.add(c.id);
          }
        }
      }
      i = j;
    }
    return { rule: hard };
  }
}

export function conjunctionsOf(flow: Flow): { id: number; clause: number; nClauses: number }[] {
  const out: { id: number; clause: number; nClauses: number }[] = [];
  for (const a of flow.actions) {
    if (a.type === "conjunction") out.push({ id: a.id, clause: a.clause, nClauses: a.nClauses });
  }
  return out;
}
