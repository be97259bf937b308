// A private, kernel-free Open vSwitch used as the test oracle for the engine.
//
// Runs Debian's ovsdb-server + ovs-vswitchd (3.1) entirely in user space with
// the dummy datapath, every socket, pidfile, log and database inside one
// temporary directory, the way OVS's own test suite does
// (tests/ofproto-macros.at, OVS_VSWITCHD_START).  See README.md next to this
// file for the reasons behind each start-up choice.
//
// Node 24 runs this file directly (type stripping): erasable TypeScript only.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// ---------------------------------------------------------------------------
// Types

export type OfVersion = 'OpenFlow10' | 'OpenFlow11' | 'OpenFlow12' | 'OpenFlow13' | 'OpenFlow14' | 'OpenFlow15';

export type RunResult = { stdout: string; stderr: string; exitCode: number };

export type FlowsResult = RunResult & { ok: boolean };

export type PortType = 'internal' | 'geneve' | 'dummy';

export type PortSpec = {
  name: string;
  ofport: number;
  /** Default `dummy`. */
  type?: PortType;
  /** Only honoured by `internal` ports (dummy ports get aa:55:aa:55:00:NN). */
  mac?: string;
  /** Interface options; tunnels get remote_ip=flow and key=flow unless given. */
  options?: Record<string, string>;
};

export type StartOptions = {
  /** Directory for db, sockets, pidfiles and logs.  Default: a fresh mkdtemp
   *  under os.tmpdir(), removed by stop().  A given dir is kept. */
  dir?: string;
  /** Default `br-int`. */
  bridge?: string;
  /** other-config:datapath-id, 16 hex digits.  Default 0000aa55aa550001. */
  dpid?: string;
  /** Keep the directory on stop() even if we created it (for debugging). */
  keepDir?: boolean;
};

export type TraceOptions = {
  /** Renumber recirculation ids 0x1, 0x2, ... (see normalizeRecirc). */
  normalize?: boolean;
  /** Max traces in flight (traceMany only).  Default 4. */
  concurrency?: number;
  /** `socket` (default) talks JSON-RPC to the daemon's control socket
   *  directly, which is what ovs-appctl does; `spawn` runs ovs-appctl. */
  via?: 'socket' | 'spawn';
};

// ---------------------------------------------------------------------------
// Installation checks

export const OVS_TOOLS: readonly string[] = [
  'ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl', 'ovs-appctl',
];

const SCHEMA_CANDIDATES = [
  '/usr/share/openvswitch/vswitch.ovsschema',
  '/usr/local/share/openvswitch/vswitch.ovsschema',
];

const TUNNEL_TYPES = new Set(['geneve', 'vxlan', 'gre', 'stt', 'erspan', 'ip6erspan', 'ip6gre', 'gtpu', 'bareudp', 'lisp']);

const PROTOCOLS = 'OpenFlow10,OpenFlow11,OpenFlow12,OpenFlow13,OpenFlow14,OpenFlow15';

/** How to get the binaries; used in error messages. */
export const OVS_INSTALL_HINT =
  'The OVS oracle needs Debian\'s openvswitch-switch: run script/test (as root it installs it), ' +
  'or apt-get update && apt-get install -y openvswitch-switch.';

// Daemons live in /usr/sbin, which a non-root PATH may lack: look there too.
const SBIN_FALLBACK = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
const toolCache = new Map<string, string>();

function findTool(name: string): string | undefined {
  const cached = toolCache.get(name);
  if (cached) return cached;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...SBIN_FALLBACK];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (!fs.statSync(p).isFile()) continue;
      toolCache.set(name, p);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Absolute path of an OVS tool (falls back to the bare name). */
function tool(name: string): string {
  return findTool(name) ?? name;
}

/** The OVS tools that are not installed (empty when all six are there). */
export function missingOvsTools(): string[] {
  return OVS_TOOLS.filter((t) => findTool(t) === undefined);
}

/** True when ovsdb-tool, ovsdb-server, ovs-vswitchd, ovs-vsctl, ovs-ofctl and
 *  ovs-appctl are all on PATH (or, for the daemons, in an sbin directory). */
export function ovsAvailable(): boolean {
  return missingOvsTools().length === 0;
}

function findSchema(): string {
  for (const s of [process.env.OVS_ORACLE_SCHEMA, ...SCHEMA_CANDIDATES]) {
    if (s && fs.existsSync(s)) return s;
  }
  throw new Error(`vswitch.ovsschema not found (looked in ${SCHEMA_CANDIDATES.join(', ')}). ${OVS_INSTALL_HINT}`);
}

// ---------------------------------------------------------------------------
// Process helpers

/** Environment for OVS child processes: our dirs, no inherited OVS_* vars.
 *  process.env itself is never modified. */
function ovsEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('OVS_')) env[k] = v;
  }
  env.OVS_RUNDIR = dir;
  env.OVS_DBDIR = dir;
  env.OVS_LOGDIR = dir;
  env.OVS_SYSCONFDIR = dir;
  return env;
}

type RunOptions = { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string };

/** Runs CMD ARGS, never throws for a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, {
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      resolve({ stdout: '', stderr: `${cmd}: ${(e as Error).message}\n`, exitCode: 127 });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ stdout: '', stderr: `${cmd}: ${e.message}\n`, exitCode: 127 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) stderr += `${cmd}: killed after ${opts.timeoutMs ?? 60_000} ms\n`;
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        exitCode: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1),
      });
    });
  });
}

function describeFailure(what: string, r: RunResult): string {
  return `${what} failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim()}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Field 22 (starttime) of /proc/PID/stat, or undefined if PID does not exist. */
function procStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True once PID has exited; a zombie waiting for its reaper counts as exited. */
function pidGone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[0];
    return state === 'Z' || state === 'X' || state === '';
  } catch {
    return true;
  }
}

async function waitFor(pred: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (pred()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(stepMs);
  }
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------
// Recirculation ids

/** Renumbers recirculation ids (`recirc(0x..)`, `recirc_id=0x..`,
 *  `recirc_id(0x..)`) 0x1, 0x2, ... in order of first appearance.  The daemon
 *  takes them from a process-wide counter, so only renumbered traces compare. */
export function normalizeRecirc(text: string): string {
  const map = new Map<string, string>();
  return text.replace(/(recirc(?:_id)?[(=]0x)([0-9a-f]+)/g, (_m, prefix: string, id: string) => {
    let n = map.get(id);
    if (n === undefined) {
      n = (map.size + 1).toString(16);
      map.set(id, n);
    }
    return prefix + n;
  });
}

/** Removes OVS log lines (`2026-01-02T03:04:05Z|00001|ofp_table|WARN|...`)
 *  that ovs-ofctl writes to stderr next to its error message, e.g. for
 *  `table=300` or for a match that normalization changed.  They carry a
 *  timestamp, so compare stderr after stripping them. */
export function stripVlog(text: string): string {
  return text.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\|\d+\|[^\n]*\n?/gm, '');
}

// ---------------------------------------------------------------------------
// parse-flows (needs no daemon)

/** `ovs-ofctl -O OF parse-flows FILE`: validates flow syntax without a bridge.
 *  -O matters: without it ovs-ofctl picks OpenFlow10+table_id and prints
 *  goto_table as resubmit(,N).  The file is written as `fileName` (default
 *  flows.txt) in a temp dir and ovs-ofctl runs there, so error messages read
 *  `ovs-ofctl: flows.txt:LINE: ...`. */
export async function parseFlows(text: string, of: OfVersion = 'OpenFlow13', fileName = 'flows.txt'): Promise<FlowsResult> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ovs-parse-'));
  try {
    await fsp.writeFile(path.join(dir, fileName), text);
    const r = await run(tool('ovs-ofctl'), ['-O', of, 'parse-flows', fileName], { cwd: dir, env: ovsEnv(dir) });
    return { ...r, ok: r.exitCode === 0 };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// unixctl client (what ovs-appctl does, without a process per call)

type Pending = { resolve: (r: RunResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/** JSON-RPC over the daemon's unix control socket.  Messages are bare JSON
 *  objects back to back; ovs-vswitchd answers one request per connection at a
 *  time, in order. */
class UnixctlClient {
  path: string;
  target: string;
  sock: net.Socket | undefined;
  connecting: Promise<net.Socket> | undefined;
  buf = '';
  scan = { pos: 0, depth: 0, inStr: false, esc: false };
  nextId = 0;
  pending = new Map<number, Pending>();

  constructor(sockPath: string, target: string) {
    this.path = sockPath;
    this.target = target;
  }

  connect(): Promise<net.Socket> {
    if (this.sock) return Promise.resolve(this.sock);
    if (this.connecting) return this.connecting;
    this.connecting = new Promise((resolve, reject) => {
      const s = net.createConnection(this.path);
      s.setEncoding('utf8');
      s.once('connect', () => {
        this.sock = s;
        this.connecting = undefined;
        resolve(s);
      });
      s.once('error', (e) => {
        this.connecting = undefined;
        this.fail(e);
        reject(e);
      });
      s.on('data', (d: string) => this.onData(d));
      s.on('close', () => {
        this.sock = undefined;
        this.buf = '';
        this.scan = { pos: 0, depth: 0, inStr: false, esc: false };
        this.fail(new Error(`${this.path}: connection closed`));
      });
    });
    return this.connecting;
  }

  fail(e: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }

  onData(d: string): void {
    this.buf += d;
    const st = this.scan;
    for (; st.pos < this.buf.length; st.pos++) {
      const c = this.buf[st.pos];
      if (st.inStr) {
        if (st.esc) st.esc = false;
        else if (c === '\\') st.esc = true;
        else if (c === '"') st.inStr = false;
      } else if (c === '"') {
        st.inStr = true;
      } else if (c === '{' || c === '[') {
        st.depth++;
      } else if (c === '}' || c === ']') {
        st.depth--;
        if (st.depth === 0) {
          const text = this.buf.slice(0, st.pos + 1);
          this.buf = this.buf.slice(st.pos + 1);
          st.pos = -1;
          this.onMessage(text);
        }
      }
    }
  }

  onMessage(text: string): void {
    let msg: { id?: unknown; result?: unknown; error?: unknown; method?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      this.sock?.destroy(new Error(`bad JSON from ${this.path}: ${text.slice(0, 200)}`));
      return;
    }
    if (typeof msg.method === 'string') return; // a notification; ovs-appctl ignores them too
    const p = this.pending.get(msg.id as number);
    if (!p) return;
    this.pending.delete(msg.id as number);
    clearTimeout(p.timer);
    // ovs-appctl: fputs(error, stderr) + "ovs-appctl: TARGET: server returned an error", exit 2;
    // otherwise fputs(result, stdout), exit 0.
    if (msg.error !== null && msg.error !== undefined) {
      const e = typeof msg.error === 'string' ? msg.error : JSON.stringify(msg.error);
      p.resolve({ stdout: '', stderr: `${e}ovs-appctl: ${this.target}: server returned an error\n`, exitCode: 2 });
    } else {
      p.resolve({ stdout: typeof msg.result === 'string' ? msg.result : '', stderr: '', exitCode: 0 });
    }
  }

  async call(method: string, params: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
    const s = await this.connect();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from ${this.path} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      s.write(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.sock?.destroy();
    this.sock = undefined;
  }
}

// ---------------------------------------------------------------------------
// Cleanup of crashed runs

const live = new Set<Ovs>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous best effort for a normal exit without stop(); the watchdog
  // (below) finishes the job, and covers SIGKILL/crashes of this process.
  process.on('exit', () => {
    for (const o of live) o.killSync();
  });
}

// Started detached (own session, so Ctrl-C of the test run does not hit it):
// waits until the process that started OVS is gone, then stops our daemons
// (only pids whose command line names our pidfile) and removes the dir.
const WATCHDOG_SCRIPT = `
P=$1 START=$2 D=$3 RM=$4
st() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
state() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1; }
while [ "$(st "$P")" = "$START" ]; do sleep 1; done
for n in ovs-vswitchd ovsdb-server; do
  pf="$D/$n.pid"
  [ -r "$pf" ] || continue
  pid=$(tr -dc 0-9 < "$pf")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || continue
  tr '\\0' '\\n' < "/proc/$pid/cmdline" | grep -qxF -- "--pidfile=$pf" || continue
  kill -TERM "$pid" 2>/dev/null
  i=0
  while [ $i -lt 30 ]; do
    s=$(state "$pid"); [ -z "$s" ] || [ "$s" = Z ] || [ "$s" = X ] && break
    sleep 0.1; i=$((i+1))
  done
  s=$(state "$pid"); [ -z "$s" ] || [ "$s" = Z ] || [ "$s" = X ] || kill -KILL "$pid" 2>/dev/null
done
[ "$RM" = 1 ] && rm -rf "$D"
exit 0
`;

// ---------------------------------------------------------------------------
// The sandbox

type IfaceRow = { name: string; type: string; ofport: number | undefined; options: Record<string, string>; mac: string | undefined };

export class Ovs {
  readonly dir: string;
  readonly bridge: string;
  readonly dpid: string;
  /** Environment given to every OVS tool (OVS_RUNDIR etc. = dir). */
  readonly env: NodeJS.ProcessEnv;
  readonly ownsDir: boolean;
  readonly db: string;
  ovsVersion = '';
  private vswitchdPid = 0;
  private ovsdbPid = 0;
  private watchdogPid = 0;
  private client: UnixctlClient | undefined;
  private stopped = false;

  constructor(dir: string, bridge: string, dpid: string, ownsDir: boolean) {
    this.dir = dir;
    this.bridge = bridge;
    this.dpid = dpid;
    this.ownsDir = ownsDir;
    this.env = ovsEnv(dir);
    this.db = `unix:${dir}/db.sock`;
  }

  // --- daemons ------------------------------------------------------------

  /** pid of daemon NAME if it runs for our dir (its cmdline names our pidfile). */
  ourPid(name: 'ovsdb-server' | 'ovs-vswitchd'): number | undefined {
    const pidfile = path.join(this.dir, `${name}.pid`);
    try {
      const pid = Number.parseInt(fs.readFileSync(pidfile, 'utf8').trim(), 10);
      if (!(pid > 0)) return undefined;
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!args.includes(`--pidfile=${pidfile}`) || pidGone(pid)) return undefined;
      return pid;
    } catch {
      return undefined;
    }
  }

  /** Process ids of the two daemons (0 before start). */
  get pids(): { ovsdbServer: number; ovsVswitchd: number } {
    return { ovsdbServer: this.ovsdbPid, ovsVswitchd: this.vswitchdPid };
  }

  /** Path of ovs-vswitchd's control socket (OVS_RUNDIR/ovs-vswitchd.PID.ctl). */
  get vswitchdCtl(): string {
    return path.join(this.dir, `ovs-vswitchd.${this.vswitchdPid}.ctl`);
  }

  private async startDaemon(name: 'ovsdb-server' | 'ovs-vswitchd', args: string[]): Promise<number> {
    const pidfile = path.join(this.dir, `${name}.pid`);
    const errFile = path.join(this.dir, `${name}.stderr`);
    const fd = fs.openSync(errFile, 'a');
    try {
      // --detach: the command returns once the daemon is ready.
      const child = spawn(tool(name), [
        ...args, '--detach', '--no-chdir', `--pidfile=${pidfile}`,
        `--log-file=${path.join(this.dir, `${name}.log`)}`, '-vconsole:off',
      ], { env: this.env, cwd: this.dir, stdio: ['ignore', 'ignore', fd] });
      const code = await new Promise<number>((resolve) => {
        child.on('error', () => resolve(127));
        child.on('exit', (c) => resolve(c ?? 1));
      });
      if (code !== 0) {
        throw new Error(`${name} did not start (exit ${code}): ${tail(errFile)}\n${tail(path.join(this.dir, `${name}.log`))}`);
      }
    } finally {
      fs.closeSync(fd);
    }
    let pid: number | undefined;
    await waitFor(() => (pid = this.ourPid(name)) !== undefined, 10_000);
    if (pid === undefined) throw new Error(`${name} started but ${pidfile} names no process of ours`);
    return pid;
  }

  /** Called by startOvs(). */
  async start(): Promise<void> {
    for (const n of ['ovsdb-server', 'ovs-vswitchd'] as const) {
      const pid = this.ourPid(n);
      if (pid !== undefined) throw new Error(`${n} (pid ${pid}) already runs in ${this.dir}`);
    }
    live.add(this);
    installExitHook();
    this.startWatchdog();

    for (const f of ['conf.db', '.conf.db.~lock~', 'db.sock']) {
      fs.rmSync(path.join(this.dir, f), { force: true });
    }
    const version = await run(tool('ovs-vswitchd'), ['--version'], { env: this.env });
    // "ovs-vswitchd (Open vSwitch) 3.1.0" -> 3.1.0
    this.ovsVersion = version.stdout.split('\n')[0].trim().split(/\s+/).pop() ?? '';
    const create = await run(tool('ovsdb-tool'), ['create', path.join(this.dir, 'conf.db'), findSchema()], { env: this.env });
    if (create.exitCode !== 0) throw new Error(describeFailure('ovsdb-tool create', create));

    this.ovsdbPid = await this.startDaemon('ovsdb-server', [
      path.join(this.dir, 'conf.db'), `--remote=punix:${path.join(this.dir, 'db.sock')}`,
    ]);

    // Everything the daemon should find at boot, in one transaction that does
    // not wait for ovs-vswitchd (which is not running yet): init, ovs_version,
    // and a Bridge row without the internal port named after the bridge (no
    // LOCAL port) and without fail_mode, as Antrea's agent creates it.
    const init = await this.vsctl([
      '--no-wait', 'init',
      '--', 'set', 'Open_vSwitch', '.', `ovs_version="${this.ovsVersion}"`,
      '--', '--id=@br', 'create', 'Bridge', `name=${this.bridge}`, 'datapath_type=dummy',
      `protocols=${PROTOCOLS}`, `other-config:datapath-id=${this.dpid}`,
      '--', 'add', 'Open_vSwitch', '.', 'bridges', '@br',
    ]);
    if (init.exitCode !== 0) throw new Error(describeFailure('ovs-vsctl init/create Bridge', init));

    // --enable-dummy (not =override): dummy datapath and dummy ports, while
    // geneve stays a real tunnel vport.  --disable-system: never open the
    // kernel datapath.  --disable-system-route: ignore the host's routes.
    this.vswitchdPid = await this.startDaemon('ovs-vswitchd', [
      this.db, '--enable-dummy', '--disable-system', '--disable-system-route',
    ]);
    const mgmt = path.join(this.dir, `${this.bridge}.mgmt`);
    if (!(await waitFor(() => fs.existsSync(mgmt), 10_000))) {
      throw new Error(`bridge ${this.bridge} has no ${mgmt}: ${tail(path.join(this.dir, 'ovs-vswitchd.log'))}`);
    }
    // Kernel-style tunnel output, set(tunnel(...)),PORT, instead of tnl_push.
    const feat = await this.appctl(['dpif/set-dp-features', this.bridge, 'tnl_push_pop', 'false']);
    if (feat.exitCode !== 0) throw new Error(describeFailure('dpif/set-dp-features tnl_push_pop false', feat));
    // Without fail_mode the bridge starts with "priority=0 actions=NORMAL".
    const del = await this.ofctl(['del-flows', this.bridge]);
    if (del.exitCode !== 0) throw new Error(describeFailure('ovs-ofctl del-flows', del));
  }

  private startWatchdog(): void {
    const start = procStartTime(process.pid);
    if (start === undefined) return; // no /proc: rely on the exit hook
    try {
      const w = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'ovs-oracle-watchdog',
        String(process.pid), start, this.dir, this.ownsDir ? '1' : '0'], {
        detached: true, stdio: 'ignore', env: this.env,
      });
      w.on('error', () => {});
      w.unref();
      this.watchdogPid = w.pid ?? 0;
    } catch {
      // best effort
    }
  }

  /** Graceful stop of both daemons, then SIGTERM/SIGKILL (our pids only);
   *  removes the directory if we created it.  Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.client?.close();
    this.client = undefined;
    await this.stopDaemon('ovs-vswitchd', ['exit', '--cleanup']);
    await this.stopDaemon('ovsdb-server', ['exit']);
    if (this.watchdogPid && procStartTime(this.watchdogPid) !== undefined) {
      // detached: it leads its own process group (sh and its `sleep 1`)
      try { process.kill(-this.watchdogPid, 'SIGKILL'); } catch { /* gone */ }
    }
    live.delete(this);
    if (this.ownsDir) await fsp.rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  private async stopDaemon(name: 'ovsdb-server' | 'ovs-vswitchd', exitCmd: string[]): Promise<void> {
    const pid = this.ourPid(name);
    if (pid === undefined) return;
    await run(tool('ovs-appctl'), ['-t', path.join(this.dir, `${name}.${pid}.ctl`), '--timeout=5', ...exitCmd], {
      env: this.env, timeoutMs: 10_000,
    });
    if (await waitFor(() => pidGone(pid), 5_000)) return;
    if (this.ourPid(name) !== pid) return;
    try { process.kill(pid, 'SIGTERM'); } catch { return; }
    if (await waitFor(() => pidGone(pid), 5_000)) return;
    if (this.ourPid(name) === pid) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }

  /** Synchronous SIGTERM of our daemons (process 'exit' hook). */
  killSync(): void {
    if (this.stopped) return;
    this.client?.close();
    for (const n of ['ovs-vswitchd', 'ovsdb-server'] as const) {
      const pid = this.ourPid(n);
      if (pid !== undefined) {
        try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      }
    }
    // The watchdog removes the dir once the daemons are gone.
  }

  // --- raw runners ----------------------------------------------------------

  ofctl(args: readonly string[], opts: { cwd?: string; input?: string } = {}): Promise<RunResult> {
    return run(tool('ovs-ofctl'), args, { env: this.env, cwd: opts.cwd ?? this.dir, input: opts.input });
  }

  /** ovs-appctl ARGS (a real ovs-appctl process) against our ovs-vswitchd.
   *  No -t: ovs-appctl finds OVS_RUNDIR/ovs-vswitchd.pid itself, so error
   *  messages read "ovs-appctl: ovs-vswitchd: server returned an error",
   *  as on a real node, instead of naming the temporary socket path. */
  appctl(args: readonly string[]): Promise<RunResult> {
    return run(tool('ovs-appctl'), args, { env: this.env });
  }

  /** Same request and result as appctl(), sent over a persistent connection
   *  to the control socket (no process per call). */
  appctlFast(args: readonly string[]): Promise<RunResult> {
    if (args.length === 0) return Promise.reject(new Error('appctlFast: missing command'));
    if (!this.client) this.client = new UnixctlClient(this.vswitchdCtl, 'ovs-vswitchd');
    return this.client.call(args[0], args.slice(1));
  }

  vsctl(args: readonly string[]): Promise<RunResult> {
    return run(tool('ovs-vsctl'), [`--db=${this.db}`, '--timeout=20', ...args], { env: this.env });
  }

  // --- flows ---------------------------------------------------------------

  /** fresh (default): del-flows + add-flows, so the dump order depends only
   *  on the text; fresh:false: replace-flows.  Never throws for a rejected
   *  file.  The text is written to DIR/<fileName> (default flows.txt) and
   *  ovs-ofctl runs in DIR, so errors read `ovs-ofctl: flows.txt:3: ...`. */
  async replaceFlows(flowsText: string, of: OfVersion = 'OpenFlow13',
    opts: { fresh?: boolean; fileName?: string } = {}): Promise<FlowsResult> {
    const fileName = await this.writeFlows(flowsText, opts.fileName);
    if (opts.fresh === false) {
      return ok(await this.ofctl(['-O', of, 'replace-flows', this.bridge, fileName]));
    }
    const del = await this.ofctl(['-O', of, 'del-flows', this.bridge]);
    if (del.exitCode !== 0) return ok(del);
    return ok(await this.ofctl(['-O', of, 'add-flows', this.bridge, fileName]));
  }

  /** add-flows without deleting anything first. */
  async addFlows(flowsText: string, of: OfVersion = 'OpenFlow13', opts: { fileName?: string } = {}): Promise<FlowsResult> {
    const fileName = await this.writeFlows(flowsText, opts.fileName);
    return ok(await this.ofctl(['-O', of, 'add-flows', this.bridge, fileName]));
  }

  private async writeFlows(text: string, fileName = 'flows.txt'): Promise<string> {
    if (fileName !== path.basename(fileName) || fileName.startsWith('.')) {
      throw new Error(`fileName must be a plain file name, not ${fileName}`);
    }
    await fsp.writeFile(path.join(this.dir, fileName), text);
    return fileName;
  }

  /** ovs-ofctl -O OF dump-flows BRIDGE ARGS; throws if ovs-ofctl fails. */
  async dumpFlows(args: readonly string[] = ['--no-stats'], of: OfVersion = 'OpenFlow13'): Promise<string> {
    const r = await this.ofctl(['-O', of, 'dump-flows', this.bridge, ...args]);
    if (r.exitCode !== 0) throw new Error(describeFailure(`dump-flows ${args.join(' ')}`, r));
    return r.stdout;
  }

  /** See the exported parseFlows(). */
  parseFlows(text: string, of: OfVersion = 'OpenFlow13', fileName = 'flows.txt'): Promise<FlowsResult> {
    return parseFlows(text, of, fileName);
  }

  // --- traces --------------------------------------------------------------

  /** ofproto/trace BRIDGE FLOW EXTRA... as ovs-appctl would return it
   *  (stdout/stderr/exitCode), without throwing. */
  async traceResult(flow: string, extra: readonly string[] = [], opts: TraceOptions = {}): Promise<RunResult> {
    const args = ['ofproto/trace', this.bridge, flow, ...extra];
    const r = opts.via === 'spawn' ? await this.appctl(args) : await this.appctlFast(args);
    return opts.normalize ? { ...r, stdout: normalizeRecirc(r.stdout) } : r;
  }

  /** Raw stdout of `ovs-appctl ofproto/trace BRIDGE FLOW EXTRA...`; throws
   *  with ovs-appctl's stderr if the daemon rejects the flow. */
  async trace(flow: string, extra: readonly string[] = [], opts: TraceOptions = {}): Promise<string> {
    const r = await this.traceResult(flow, extra, opts);
    if (r.exitCode !== 0) throw new Error(describeFailure(`ofproto/trace ${flow}`, r));
    return r.stdout;
  }

  /** Traces many flows with bounded concurrency; results in input order.
   *  Each result is the RunResult (a rejected flow does not abort the rest). */
  async traceMany(flows: readonly string[], extra: readonly string[] = [], opts: TraceOptions = {}): Promise<RunResult[]> {
    const results: RunResult[] = new Array(flows.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < flows.length) {
        const i = next++;
        results[i] = await this.traceResult(flows[i], extra, opts);
      }
    };
    const n = Math.max(1, Math.min(opts.concurrency ?? 4, flows.length));
    await Promise.all(Array.from({ length: n }, worker));
    return results;
  }

  /** normalizeRecirc() as a method, for convenience. */
  normalizeRecirc(text: string): string {
    return normalizeRecirc(text);
  }

  // --- ports ---------------------------------------------------------------

  private async interfaces(): Promise<IfaceRow[]> {
    const r = await this.vsctl(['--format=json', '--columns=name,type,ofport,options,mac', 'list', 'Interface']);
    if (r.exitCode !== 0) throw new Error(describeFailure('ovs-vsctl list Interface', r));
    const table = JSON.parse(r.stdout) as { headings: string[]; data: unknown[][] };
    const col = (h: string) => table.headings.indexOf(h);
    const atom = (v: unknown): unknown => (Array.isArray(v) && v[0] === 'set' ? (v[1] as unknown[])[0] : v);
    return table.data.map((row) => {
      const options: Record<string, string> = {};
      const opt = row[col('options')];
      if (Array.isArray(opt) && opt[0] === 'map') {
        for (const [k, v] of opt[1] as [string, string][]) options[k] = v;
      }
      const ofport = atom(row[col('ofport')]);
      const mac = atom(row[col('mac')]);
      return {
        name: row[col('name')] as string,
        type: row[col('type')] as string,
        ofport: typeof ofport === 'number' ? ofport : undefined,
        options,
        mac: typeof mac === 'string' ? mac : undefined,
      };
    });
  }

  /** Makes the bridge have exactly these ports with these ofports (one
   *  ovs-vsctl transaction, none if nothing changes), then gives every
   *  non-tunnel port the datapath port number equal to its ofport. */
  async setPorts(ports: readonly PortSpec[]): Promise<void> {
    const want = new Map<string, { type: string; ofport: number; options: Record<string, string>; mac?: string }>();
    const ofports = new Set<number>();
    for (const p of ports) {
      if (!/^[A-Za-z0-9_.:-]{1,15}$/.test(p.name)) throw new Error(`bad port name ${JSON.stringify(p.name)} (max 15 chars)`);
      if (!Number.isInteger(p.ofport) || p.ofport < 1 || p.ofport > 0xfeff) throw new Error(`bad ofport ${p.ofport} for ${p.name}`);
      if (want.has(p.name)) throw new Error(`port ${p.name} given twice`);
      if (ofports.has(p.ofport)) throw new Error(`ofport ${p.ofport} given twice`);
      if (p.mac !== undefined && !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(p.mac)) throw new Error(`bad mac ${p.mac} for ${p.name}`);
      ofports.add(p.ofport);
      const type = p.type ?? 'dummy';
      const options: Record<string, string> = {};
      if (TUNNEL_TYPES.has(type)) {
        options.remote_ip = 'flow';
        options.key = 'flow';
      }
      Object.assign(options, p.options ?? {});
      want.set(p.name, { type, ofport: p.ofport, options, mac: p.mac?.toLowerCase() });
    }

    const have = new Map((await this.interfaces()).map((i) => [i.name, i]));
    const cmds: string[][] = [];
    for (const [name, cur] of have) {
      const w = want.get(name);
      if (!w || (cur.type || 'system') !== w.type || cur.ofport !== w.ofport) {
        cmds.push(['del-port', this.bridge, name]);
      }
    }
    const sameMap = (a: Record<string, string>, b: Record<string, string>): boolean => {
      const ka = Object.keys(a);
      return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
    };
    const optionsArg = (o: Record<string, string>): string =>
      `options={${Object.entries(o).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
    for (const [name, w] of want) {
      const cur = have.get(name);
      const recreate = !cur || (cur.type || 'system') !== w.type || cur.ofport !== w.ofport;
      const cols = [`type=${w.type}`, `ofport_request=${w.ofport}`, optionsArg(w.options)];
      if (w.mac) cols.push(`mac=${JSON.stringify(w.mac)}`);
      if (recreate) {
        cmds.push(['add-port', this.bridge, name], ['set', 'Interface', name, ...cols]);
      } else if (!sameMap(cur.options, w.options) || cur.mac !== w.mac) {
        cmds.push(['set', 'Interface', name, ...cols]);
        if (!w.mac && cur.mac) cmds.push(['clear', 'Interface', name, 'mac']);
      }
    }
    if (cmds.length > 0) {
      const r = await this.vsctl(cmds.flatMap((c) => ['--', ...c]));
      if (r.exitCode !== 0) throw new Error(describeFailure('ovs-vsctl (ports)', r));
      const after = new Map((await this.interfaces()).map((i) => [i.name, i]));
      const bad: string[] = [];
      for (const [name, w] of want) {
        const a = after.get(name);
        if (a?.ofport !== w.ofport) bad.push(`${name} got ofport ${a?.ofport ?? 'none'}, not ${w.ofport}`);
      }
      for (const name of after.keys()) if (!want.has(name)) bad.push(`${name} still exists`);
      if (bad.length) throw new Error(`setPorts: ${bad.join('; ')}\n${tail(path.join(this.dir, 'ovs-vswitchd.log'))}`);
    }
    await this.renumberDatapathPorts(want);
  }

  /** `Datapath actions:` print datapath port numbers, which the dummy
   *  datapath assigns itself.  Make each non-tunnel port's equal its ofport;
   *  tunnels keep their shared vport (genev_sys_6081 = 6081). */
  private async renumberDatapathPorts(want: Map<string, { type: string; ofport: number }>): Promise<void> {
    const show = await this.appctlFast(['dpif/show']);
    if (show.exitCode !== 0) throw new Error(describeFailure('dpif/show', show));
    const dp = /^dummy@(\S+):/m.exec(show.stdout)?.[1];
    if (!dp) throw new Error(`no dummy datapath in dpif/show:\n${show.stdout}`);
    const current = new Map<string, number>();
    for (const m of show.stdout.matchAll(/^\s+(\S+) (\d+)\/(\d+):/gm)) current.set(m[1], Number(m[3]));
    const moves: [string, number][] = [];
    for (const [name, w] of want) {
      if (TUNNEL_TYPES.has(w.type)) continue;
      if (current.get(name) !== w.ofport) moves.push([name, w.ofport]);
    }
    if (moves.length === 0) return;
    const change = async (name: string, n: number): Promise<void> => {
      const r = await this.appctlFast(['dpif-dummy/change-port-number', dp, name, String(n)]);
      if (r.exitCode !== 0) throw new Error(describeFailure(`dpif-dummy/change-port-number ${dp} ${name} ${n}`, r));
    };
    // Two phases so that swapping numbers never collides.
    for (let i = 0; i < moves.length; i++) await change(moves[i][0], 40000 + i);
    for (const [name, n] of moves) await change(name, n);
  }
}

function ok(r: RunResult): FlowsResult {
  return { ...r, ok: r.exitCode === 0 };
}

/** Starts a private OVS (ovsdb-server + ovs-vswitchd with the dummy
 *  datapath) and a bridge configured like Antrea's br-int, with no flows. */
export async function startOvs(opts: StartOptions = {}): Promise<Ovs> {
  const missing = missingOvsTools();
  if (missing.length) throw new Error(`missing ${missing.join(', ')}. ${OVS_INSTALL_HINT}`);
  let dir: string;
  let owns: boolean;
  if (opts.dir) {
    fs.mkdirSync(opts.dir, { recursive: true });
    dir = fs.realpathSync(opts.dir);
    owns = false;
  } else {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ovs-oracle-')));
    owns = !opts.keepDir;
  }
  // Unix socket paths are limited to 107 bytes; OVS would fail obscurely.
  if (`${dir}/ovs-vswitchd.4194304.ctl`.length > 107) throw new Error(`${dir}: path too long for unix sockets`);
  const dpid = (opts.dpid ?? '0000aa55aa550001').toLowerCase();
  if (!/^[0-9a-f]{16}$/.test(dpid)) throw new Error(`dpid must be 16 hex digits, not ${opts.dpid}`);
  const ovs = new Ovs(dir, opts.bridge ?? 'br-int', dpid, owns);
  try {
    await ovs.start();
  } catch (e) {
    const logs = tail(path.join(dir, 'ovs-vswitchd.log'));
    await ovs.stop().catch(() => {});
    throw new Error(`${(e as Error).message}${logs ? `\n--- ovs-vswitchd.log ---\n${logs}` : ''}`);
  }
  return ovs;
}
