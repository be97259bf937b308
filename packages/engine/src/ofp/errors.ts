/**
 * Errors the OpenFlow layer reports. The message is worded as `ovs-ofctl`
 * words it (without the `ovs-ofctl: ` prefix); the position locates the
 * offending text in the input so editors can mark it.
 */
export interface Position {
  /** 1-based line in the input file (1 for single flows). */
  readonly line: number;
  /** 1-based column of the start of the offending text. */
  readonly column: number;
  /** Length of the offending text, when known. */
  readonly length?: number;
}

/**
 * Where ovs-ofctl's refusal comes from:
 * - `parse`: the flow text (`ovs-ofctl: FILE:LINE: MESSAGE`);
 * - `protocol`: no OpenFlow version allowed by `-O` can carry the flow
 *   (`ovs-ofctl: none of the usable flow formats ...`, no line number);
 * - `switch`: the switch answered with an OpenFlow error; the message is the
 *   error's name (`OFPBAC_BAD_OUT_GROUP`), printed by ovs-ofctl as
 *   `OFPT_ERROR (OF1.3) (xid=0x6): OFPBAC_BAD_OUT_GROUP` and the flow_mod.
 */
export type OfpErrorKind = "parse" | "protocol" | "switch";

export class OfpError extends Error {
  readonly position: Position | undefined;
  readonly source: string | undefined;
  readonly kind: OfpErrorKind;
  constructor(message: string, position?: Position, source?: string, kind: OfpErrorKind = "parse") {
    super(message);
    this.name = "OfpError";
    this.position = position;
    this.source = source;
    this.kind = kind;
  }

  /** The message as `ovs-ofctl` prints it for a file: `FILE:LINE: message` (parse errors). */
  format(fileName?: string): string {
    if (fileName && this.position && this.kind === "parse") return `${fileName}:${this.position.line}: ${this.message}`;
    return this.message;
  }

  withPosition(position: Position, source?: string): OfpError {
    return new OfpError(this.message, position, source ?? this.source, this.kind);
  }
}

/** Thrown while parsing a token; the caller knows where the token sits. */
export function fail(message: string): never {
  throw new OfpError(message);
}
