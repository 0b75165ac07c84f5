/**
 * As root, the lab runs PostgreSQL as the `postgres` user. A checkout that
 * user cannot enter (a clone under /root, say) must not stop the lab: the
 * installation is copied into the lab's own folder, and goes with it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { embeddedBinDir, findPostgres } from '../../lab/install';
import { Lab } from '../../lab/lab';
import { describeWithPostgres } from './helpers';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describeWithPostgres('PostgreSQL installed under a folder the server user cannot enter', () => {
  let closed: string;
  let bin: string;
  beforeAll(() => {
    closed = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-closed-'));
    fs.chmodSync(closed, 0o700);
    const native = path.dirname(embeddedBinDir()!);
    fs.cpSync(native, path.join(closed, 'native'), { recursive: true, verbatimSymlinks: true });
    bin = path.join(closed, 'native', 'bin');
  });
  afterAll(() => fs.rmSync(closed, { recursive: true, force: true }));

  (isRoot ? test : test.skip)('the installation is staged into the lab folder, the lab runs, and the copy goes with the lab', async () => {
    const found = findPostgres({ binDir: bin });
    expect(found.stageFrom).toBe(path.join(closed, 'native'));
    const lab = await Lab.start({ postgresBin: bin, regions: 2, log: () => undefined });
    let root = '';
    try {
      root = lab.root;
      expect(lab.install!.binDir).toBe(path.join(root, 'postgresql', 'bin'));
      expect(lab.standbys).toHaveLength(1);
    } finally {
      await lab.close();
    }
    expect(fs.existsSync(root)).toBe(false);
  }, 60_000);

  (isRoot ? test : test.skip)('binaries nobody may execute are still refused, not staged', () => {
    const noexec = path.join(closed, 'noexec');
    fs.mkdirSync(noexec);
    for (const tool of ['initdb', 'postgres']) fs.writeFileSync(path.join(noexec, tool), '#!/bin/sh\n', { mode: 0o644 });
    expect(() => findPostgres({ binDir: noexec })).toThrow(/cannot be run by user 'postgres': permission denied/);
  });
});
