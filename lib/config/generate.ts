/**
 * `npm run config:generate`: writes schema/multiregion.schema.json and the
 * key reference of docs/config.md from the table of fields.ts (tests fail
 * while either is out of date).
 */
import * as fs from 'fs';
import * as path from 'path';
import { replaceReference } from './reference';
import { configSchemaText } from './schema';

/** Writes both files under `root`; returns what changed. */
export function generate(root: string): string[] {
  const changed: string[] = [];
  const write = (file: string, text: string) => {
    const full = path.join(root, file);
    const before = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
    if (before === text) return;
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
    changed.push(file);
  };
  write('schema/multiregion.schema.json', configSchemaText());
  const docs = path.join(root, 'docs', 'config.md');
  write('docs/config.md', replaceReference(fs.existsSync(docs) ? fs.readFileSync(docs, 'utf8') : '# The configuration file\n'));
  return changed;
}

if (require.main === module) {
  const changed = generate(path.join(__dirname, '..', '..'));
  console.log(changed.length === 0 ? 'up to date' : `updated: ${changed.join(', ')}`);
}
