/** The OpenFlow action model (OVS's `struct ofpact` family). */
import type { FieldDef } from "./fields.ts";

/** OpenFlow protocol versions as numbers: 10 = 1.0, 13 = 1.3, 15 = 1.5. */
export type OfVersion = 10 | 11 | 12 | 13 | 14 | 15;

export interface Subfield {
  readonly field: FieldDef;
  readonly ofs: number;
  readonly nBits: number;
}

/**
 * How a set-field action arrived at the switch, which decides how it prints
 * (OVS's `ofpact.raw`): as `load:`, as `set_field:`, or as a legacy
 * OpenFlow 1.0 action such as `mod_dl_dst:`. `load2` is NXAST_REG_LOAD2, the
 * Nicira set_field for OpenFlow 1.0 (variable-length fields): it prints as
 * `set_field:` at every version. The mask of a set_field is byte-wide
 * (`wholeMask`) when it sets the whole field.
 */
export type SetFieldRaw = "load" | "set_field" | "legacy" | "load2";

export interface NatSpec {
  readonly kind: "src" | "dst" | undefined;
  readonly addrMin?: bigint;
  readonly addrMax?: bigint;
  readonly ipv6?: boolean;
  readonly portMin?: number;
  readonly portMax?: number;
  readonly persistent?: boolean;
  readonly hash?: boolean;
  readonly random?: boolean;
}

export type Action =
  /** `output:PORT`; with `maxLen` it is `output(port=PORT,max_len=N)` (OVS's output_trunc). */
  | { readonly type: "output"; readonly port: number; readonly maxLen?: number }
  | { readonly type: "output_reg"; readonly src: Subfield; readonly maxLen: number }
  | {
      readonly type: "controller";
      readonly maxLen: number;
      readonly reason?: string;
      readonly controllerId?: number;
      readonly userdata?: readonly number[];
      readonly pause?: boolean;
      readonly meterId?: number;
    }
  | { readonly type: "resubmit"; readonly port: number; readonly table: number; readonly ct: boolean }
  | { readonly type: "goto_table"; readonly table: number }
  | {
      readonly type: "set_field";
      readonly field: FieldDef;
      readonly value: bigint;
      readonly mask: bigint;
      readonly raw: SetFieldRaw;
      /**
       * mod_vlan_vid/mod_vlan_pcp on a flow that does not match a VLAN: the
       * switch adds a VLAN header first (push_vlan in OpenFlow 1.2+).
       */
      readonly pushVlan?: boolean;
    }
  | { readonly type: "move"; readonly src: Subfield; readonly dst: Subfield }
  /** `dec_ttl`, or `dec_ttl(ids)` when `ids` is given (OVS's cnt_ids form, printed with its ids). */
  | { readonly type: "dec_ttl"; readonly ids?: readonly number[] }
  | {
      readonly type: "ct";
      readonly commit: boolean;
      readonly force: boolean;
      readonly table?: number;
      readonly zone: number | Subfield;
      readonly alg?: number;
      /** A nat(...) given first among ct's nested actions (printed outside exec). */
      readonly nat?: NatSpec;
      /** The other nested actions (set_field/move to ct_mark/ct_label, further nat actions). */
      readonly exec: readonly Action[];
    }
  /** A nat(...) that is not the first of ct's nested actions: it prints inside exec(...). */
  | { readonly type: "nat"; readonly nat: NatSpec }
  | { readonly type: "ct_clear" }
  | { readonly type: "conjunction"; readonly id: number; readonly clause: number; readonly nClauses: number }
  | { readonly type: "learn"; readonly spec: LearnSpec }
  | { readonly type: "group"; readonly group: number }
  | { readonly type: "meter"; readonly meter: number }
  | { readonly type: "note"; readonly bytes: readonly number[] }
  | { readonly type: "push_vlan"; readonly ethertype: number }
  | { readonly type: "pop_vlan"; readonly raw: "strip_vlan" | "pop_vlan" }
  | { readonly type: "clear_actions" }
  | { readonly type: "write_metadata"; readonly value: bigint; readonly mask: bigint }
  | { readonly type: "write_actions"; readonly actions: readonly Action[] };

export interface LearnSpec {
  readonly table: number;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly finIdleTimeout: number;
  readonly finHardTimeout: number;
  readonly priority: number;
  readonly cookie: bigint;
  readonly sendFlowRem: boolean;
  readonly deleteLearned: boolean;
  readonly limit: number;
  /** `result_dst=SUBFIELD`: a one-bit destination for "did the learn succeed". */
  readonly resultDst?: Subfield;
  readonly specs: readonly LearnFieldSpec[];
}

export type LearnFieldSpec =
  /** Match `dst` against an immediate value. */
  | { readonly kind: "match_imm"; readonly dst: Subfield; readonly value: bigint; readonly wholeFieldSyntax: boolean }
  /** Match `dst` against the packet's `src`. */
  | { readonly kind: "match_field"; readonly dst: Subfield; readonly src: Subfield; readonly sameField: boolean }
  | { readonly kind: "load_imm"; readonly dst: Subfield; readonly value: bigint }
  | { readonly kind: "load_field"; readonly dst: Subfield; readonly src: Subfield }
  | { readonly kind: "output"; readonly src: Subfield };

export const NO_TABLE = 255;
