/**
 * grantConnect's database-user rules, measured on a real PostgreSQL (the
 * failover lab's, from npm, on 127.0.0.1): every name the rules accept is
 * created by `CREATE ROLE <name>` exactly as written (so the token's user and
 * the IAM resource name the same role), and every name they refuse is one
 * PostgreSQL refuses, reserves or stores under another name. Aurora's own
 * `rds_` roles cannot be shown here (plain PostgreSQL has none).
 */
import { mkdtempSync, rmSync, chownSync } from 'fs';
import * as net from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { dbUserProblems } from '../../lib/aws/connections';
import { findPostgres } from '../../lab/install';
import { PgServer } from '../../lab/postgres';
import { PG_UNAVAILABLE } from '../lab/helpers';

const install = PG_UNAVAILABLE ? undefined : findPostgres();
const skip = PG_UNAVAILABLE ?? (install?.stageFrom ? 'the PostgreSQL binaries must be staged for the run-as user (the lab does it; this test does not)' : undefined);
const describePg = skip ? (name: string, fn: () => void) => describe.skip(`${name} — skipped: ${skip}`, fn) : describe;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describePg('database user names, on PostgreSQL', () => {
  let root: string;
  let pg: PgServer;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mrc-db-users-'));
    if (install!.runAs) chownSync(root, install!.runAs.uid, install!.runAs.gid);
    pg = new PgServer({ install: install!, name: 'users', dataDir: join(root, 'data'), port: await freePort(), logFile: join(root, 'pg.log') });
    await pg.initdb();
    pg.configure({});
    await pg.start();
  }, 60_000);
  afterAll(async () => {
    try {
      await pg?.stop('immediate');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  /** What PostgreSQL does with `CREATE ROLE <name>` (unquoted, as an application's SQL would): the stored name or the error. */
  async function createRole(name: string): Promise<string> {
    try {
      await pg.query(`CREATE ROLE ${name}`);
      const [row] = await pg.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = lower($1) OR rolname = left($1, 63)', [name]);
      return `stored as ${row.rolname}`;
    } catch (e) {
      return `refused: ${(e as Error).message}`;
    }
  }

  test.each(['app_user', 'reader2', '_svc', 'app$ro', 'a'.repeat(63)])('accepted %s: created exactly as written', async (name) => {
    expect(dbUserProblems(name, 'postgresql', 'dbadmin')).toEqual([]);
    expect(await createRole(name)).toBe(`stored as ${name}`);
  });

  test.each([
    ['Other_User', 'stored as other_user'],          // folded: the token would name Other_User, the database has other_user
    ['b'.repeat(64), `stored as ${'b'.repeat(63)}`], // truncated to 63 bytes
    ['app-user', 'refused: syntax error'],
    ['1app', 'refused: trailing junk after numeric literal'], // PostgreSQL 18's wording
    ['pg_app', 'refused: role name "pg_app" is reserved'],
  ])('refused %s: PostgreSQL would not hold it under that name', async (name, outcome) => {
    expect(dbUserProblems(name, 'postgresql', 'dbadmin')).toHaveLength(1);
    expect(await createRole(name)).toContain(outcome);
  });
});
