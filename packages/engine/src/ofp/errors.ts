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

export class OfpError extends Error {
  readonly position: Position | undefined;
  readonly source: string | undefined;
  constructor(message: string, position?: Position, source?: string) {
    super(message);
    this.name = "OfpError";
    this.position = position;
    this.source = source;
  }

  /** The message as `ovs-ofctl` prints it for a file: `FILE:LINE: message`. */
  format(fileName?: string): string {
    if (fileName && this.position) return `${fileName}:${this.position.line}: ${this.message}`;
    return this.message;
  }

  withPosition(position: Position, source?: string): OfpError {
    return new OfpError(this.message, position, source ?? this.source);
  }
}

/** Thrown while parsing a token; the caller knows where the token sits. */
export function fail(message: string): never {
  throw new OfpError(message);
}
