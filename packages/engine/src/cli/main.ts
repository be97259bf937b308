export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(path: string): string;
}

const USAGE = `Usage: ovs-lab <command> [options]

Commands:
  (none yet)

Options:
  -h, --help  Show this help and exit
`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    io.stdout(USAGE);
    return 0;
  }
  io.stderr(`ovs-lab: unknown command '${argv[0]}'\n\n${USAGE}`);
  return 2;
}
