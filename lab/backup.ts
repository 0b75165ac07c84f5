/**
 * A base backup without pg_basebackup (the npm packages do not ship it):
 * PostgreSQL's low-level backup API with a plain file copy.
 *
 *   SELECT pg_backup_start(label, fast => true);   -- checkpoint; the copy may start
 *   copy the data directory, minus what the docs say to leave out
 *   SELECT labelfile, spcmapfile FROM pg_backup_stop(false);
 *   write labelfile as backup_label in the copy
 *
 * The copy is taken while the primary runs; it is inconsistent on its own
 * and becomes consistent when the standby replays WAL from the checkpoint
 * named in backup_label, which it streams from the primary (the primary
 * keeps it: wal_keep_size). That is exactly what pg_basebackup does over the
 * replication protocol.
 * https://www.postgresql.org/docs/current/continuous-archiving.html#BACKUP-LOWLEVEL-BASE-BACKUP
 */
import { promises as fs } from 'fs';
import { join } from 'path';
import { PgServer } from './postgres';

/** Top-level entries whose contents a base backup leaves out (the folders themselves are kept empty). */
const EMPTY_FOLDERS = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);
/** Top-level files a base backup leaves out. */
const SKIP_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'standby.signal', 'recovery.signal']);

/**
 * Copies `primary`'s data directory to `target` under the low-level backup
 * API and writes backup_label. Returns the bytes copied.
 */
export async function baseBackup(primary: PgServer, target: string, label: string): Promise<number> {
  const client = await primary.connect();
  try {
    await client.query('SELECT pg_backup_start($1, true)', [label]);
    let bytes: number;
    try {
      bytes = await copyDataDir(primary.dataDir, target);
    } catch (err) {
      await client.query('SELECT pg_backup_stop(false)').catch(() => undefined);
      throw err;
    }
    const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>('SELECT labelfile, spcmapfile FROM pg_backup_stop(false)');
    await fs.writeFile(join(target, 'backup_label'), rows[0].labelfile);
    if (rows[0].spcmapfile) await fs.writeFile(join(target, 'tablespace_map'), rows[0].spcmapfile);
    for (const folder of ['pg_wal/archive_status', 'pg_wal/summaries']) await fs.mkdir(join(target, folder), { recursive: true });
    return bytes;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function copyDataDir(source: string, target: string): Promise<number> {
  await fs.mkdir(target, { recursive: true, mode: 0o700 });
  let bytes = 0;
  for (const entry of await fs.readdir(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) {
      await fs.mkdir(to, { mode: 0o700 });
      if (!EMPTY_FOLDERS.has(entry.name)) bytes += await copyTree(from, to);
    } else if (!SKIP_FILES.has(entry.name)) {
      bytes += await copyFile(from, to);
    }
  }
  return bytes;
}

async function copyTree(from: string, to: string): Promise<number> {
  let bytes = 0;
  let entries;
  try {
    entries = await fs.readdir(from, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  for (const entry of entries) {
    // Temporary files and relation cache init files are rebuilt by the server.
    if (entry.name.startsWith('pgsql_tmp') || entry.name === 'pg_internal.init') continue;
    const a = join(from, entry.name);
    const b = join(to, entry.name);
    if (entry.isDirectory()) {
      await fs.mkdir(b, { mode: 0o700 });
      bytes += await copyTree(a, b);
    } else {
      bytes += await copyFile(a, b);
    }
  }
  return bytes;
}

/** Copies one file; a file the server removed meanwhile is skipped (WAL replay recreates what matters). */
async function copyFile(a: string, b: string): Promise<number> {
  try {
    await fs.copyFile(a, b);
    return (await fs.stat(b)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/** chown -R, for a copy made by root that the run-as user must own. */
export async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await fs.chown(path, uid, gid);
  for (const entry of await fs.readdir(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(p, uid, gid);
    else await fs.chown(p, uid, gid);
  }
}
