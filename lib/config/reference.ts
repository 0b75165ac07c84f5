/**
 * The key reference of docs/config.md, made from the table of fields.ts
 * (test/config/docs.test.ts keeps the page up to date: `npm run
 * config:generate` rewrites the part between the markers).
 */
import { FILE_SHAPE } from './fields';
import { Cloud, CLOUD_NAMES } from './figures';
import { ObjectShape, Property, Shape } from './shape';

export const REFERENCE_BEGIN = '<!-- BEGIN GENERATED: key reference (npm run config:generate) -->';
export const REFERENCE_END = '<!-- END GENERATED: key reference -->';

function typeText(shape: Shape, p?: Property): string {
  const per = p?.perCloud ? Object.entries(p.perCloud) : [];
  switch (shape.kind) {
    case 'string':
      if (shape.region) return 'region name';
      if (shape.enum) return shape.enum.map((e) => `\`${e}\``).join(' \\| ');
      if (per.length > 0) return per.map(([c, s]) => `${CLOUD_NAMES[c as 'aws' | 'gcp']}: ${s!.kind === 'string' && s!.patternText ? s!.patternText : 'text'}`).join('; ');
      return shape.patternText ?? 'text';
    case 'integer': return `integer ${shape.minimum ?? ''}–${shape.maximum ?? ''}`;
    case 'boolean': return 'boolean';
    case 'duration': return shape.enum ? shape.enum.map((e) => `\`${e}\``).join(' \\| ') : 'duration (`30s`, `10m`, `2h`, `14d`)';
    case 'array': return shape.items.kind === 'object' ? 'list of mappings' : `list of ${typeText(shape.items).replace(/^an? /, '')}`;
    case 'object': return 'mapping';
  }
}

function rows(shape: ObjectShape, prefix: string, parentClouds?: readonly Cloud[]): string[] {
  const out: string[] = [];
  for (const [key, p] of Object.entries(shape.properties)) {
    if (key === '$schema') continue;
    const path = `${prefix}${key}`;
    const anchor = path.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase();
    const required = p.required === true ? 'yes' : Array.isArray(p.required) ? `on ${(p.required as readonly Cloud[]).map((c) => CLOUD_NAMES[c]).join(', ')}` : '';
    const only = p.clouds ?? parentClouds;
    const clouds = only ? only.map((c) => CLOUD_NAMES[c]).join(', ') : 'both';
    let type = typeText(p.shape, p);
    if (p.perCloud && p.shape.kind === 'string' && p.shape.enum) {
      type = Object.entries(p.perCloud).map(([c, s]) => `${CLOUD_NAMES[c as 'aws' | 'gcp']}: ${typeText(s!)}`).join('; ');
    } else if (p.perCloud && p.shape.kind === 'duration') {
      type = `${typeText(p.shape)}; ${Object.entries(p.perCloud).map(([c, s]) => `${CLOUD_NAMES[c as 'aws' | 'gcp']}: ${typeText(s!)}`).join('; ')}`;
    }
    out.push(`| <a id="${anchor}"></a>\`${path}\` | ${type} | ${required} | ${p.default ?? ''} | ${clouds} | ${p.description.replace(/\|/g, '\\|')} |`);
    const inner = p.shape.kind === 'object' ? p.shape : p.shape.kind === 'array' && p.shape.items.kind === 'object' ? p.shape.items : undefined;
    if (inner) out.push(...rows(inner, p.shape.kind === 'array' ? `${path}[].` : `${path}.`, only));
  }
  return out;
}

/** The reference table: every key of the file, nested keys after their parent. */
export function renderReference(): string {
  return [
    REFERENCE_BEGIN,
    '',
    '| key | type | required | default | cloud | what it is |',
    '|---|---|---|---|---|---|',
    ...rows(FILE_SHAPE, ''),
    '',
    REFERENCE_END,
  ].join('\n');
}

/** `text` with its generated reference replaced (or appended when the markers are missing). */
export function replaceReference(text: string): string {
  const begin = text.indexOf(REFERENCE_BEGIN);
  const end = text.indexOf(REFERENCE_END);
  if (begin < 0 || end < begin) return `${text.trimEnd()}\n\n${renderReference()}\n`;
  return `${text.slice(0, begin)}${renderReference()}${text.slice(end + REFERENCE_END.length)}`;
}

/** Every key path of the file (`routing.healthCheck.interval`, `regions[].role`), for tests and the docs check. */
export function keyPaths(shape: ObjectShape = FILE_SHAPE, prefix = ''): string[] {
  return Object.entries(shape.properties).flatMap(([key, p]) => {
    const path = `${prefix}${key}`;
    const inner = p.shape.kind === 'object' ? p.shape : p.shape.kind === 'array' && p.shape.items.kind === 'object' ? p.shape.items : undefined;
    return [path, ...(inner ? keyPaths(inner, p.shape.kind === 'array' ? `${path}[].` : `${path}.`) : [])];
  });
}
