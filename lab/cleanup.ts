/**
 * Nothing the lab starts outlives it. Every server runs in its own process
 * group (spawned detached) and is registered here; every temp folder too.
 * Three layers make sure they go:
 *
 * 1. each lab's `close()` stops its servers and removes its folder (drills
 *    call it in `finally`);
 * 2. `process.on('exit')` kills every registered process group with SIGKILL
 *    and removes every registered folder, synchronously (a crashed drill, a
 *    Ctrl-C in the CLI, a jest worker that ends);
 * 3. servers start under `setpriv --pdeathsig KILL` where util-linux has it,
 *    so even a SIGKILLed lab takes its servers with it.
 *
 * {@link findLeftovers} looks for anything still there: processes whose
 * working directory (PostgreSQL's is its data directory) lies in a lab
 * folder, live registered process groups, and registered folders.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'fs';

const groups = new Set<number>();
const folders = new Set<string>();
const everFolders = new Set<string>();
const everGroups = new Set<number>();
let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killEverything);
}

/** Registers a process group (its leader's pid) to kill on exit. */
export function registerGroup(pgid: number): void {
  hook();
  groups.add(pgid);
  everGroups.add(pgid);
}

/** The group is gone; stop tracking it (it stays in the leftovers check). */
export function unregisterGroup(pgid: number): void {
  groups.delete(pgid);
}

/** Registers a folder to remove on exit. */
export function registerFolder(path: string): void {
  hook();
  folders.add(path);
  everFolders.add(path);
}

export function unregisterFolder(path: string): void {
  folders.delete(path);
}

/** SIGKILL to every registered group, then remove every registered folder. Synchronous. */
export function killEverything(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  groups.clear();
  for (const f of folders) {
    try {
      rmSync(f, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  folders.clear();
}

/** Is any process left in group `pgid`? */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pids whose working directory lies under `prefix` (Linux /proc; empty elsewhere). */
export function processesUnder(prefix: string): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cwd = readlinkSync(`/proc/${e}/cwd`).replace(/ \(deleted\)$/, '');
      if (cwd === prefix || cwd.startsWith(`${prefix}/`)) found.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** The process group of `pid` (Linux /proc), or undefined. */
export function groupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch {
    return undefined;
  }
}

/** What this process's labs left behind: live processes and folders. Empty when clean. */
export function findLeftovers(): string[] {
  const left: string[] = [];
  for (const pgid of everGroups) if (groupAlive(pgid)) left.push(`process group ${pgid} is still running`);
  for (const f of everFolders) {
    for (const pid of processesUnder(f)) left.push(`process ${pid} runs in ${f}`);
    if (existsSync(f)) left.push(`folder ${f} still exists`);
  }
  return left;
}
