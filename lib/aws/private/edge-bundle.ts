import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

/**
 * The Lambda@Edge code of the GraphQL router, as a Lambda asset. The bundle is
 * built inside the cloud assembly directory (cdk.out), never in the system
 * temp directory, and removed once aws-cdk-lib has staged its copy
 * (`asset.<hash>`) there — call {@link EdgeCode.cleanUp} after the functions
 * that use it are created. With asset staging disabled (SAM local), the
 * template points at the build directory, which then stays in cdk.out.
 */
export interface EdgeCode {
  readonly code: lambda.Code;
  cleanUp(): void;
}

export function edgeCode(scope: Construct, config: unknown): EdgeCode {
  const outdir = Stage.of(scope)?.assetOutdir ?? os.tmpdir();
  fs.mkdirSync(outdir, { recursive: true });
  const dir = buildEdgeBundle(config, fs.mkdtempSync(path.join(outdir, '.mrc-edge-')));
  const staged = !scope.node.tryGetContext(cxapi.DISABLE_ASSET_STAGING_CONTEXT);
  return {
    code: lambda.Code.fromAsset(dir),
    cleanUp: () => {
      if (staged) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds the Lambda@Edge code directory for the GraphQL router into `out`
 * without a bundler (no native esbuild binary in the lock file):
 *
 *   router/*.js            the router (lib/router), CommonJS
 *   router/router-config.json
 *   core/errors.js         the one core module the router uses
 *   node_modules/graphql/  the GraphQL parser (CommonJS files only)
 *
 * From the published package (dist/) the compiled files are copied; from the
 * TypeScript sources (this repository, ts-node) they are transpiled with
 * `typescript`, which is then a dev dependency. Output is deterministic, so
 * the asset hash only changes when code, graphql or the config change.
 */
export function buildEdgeBundle(config: unknown, out: string): string {
  fs.mkdirSync(out, { recursive: true });
  const libRoot = path.resolve(__dirname, '..', '..'); // lib/ (sources) or dist/ (package)
  copyModules(path.join(libRoot, 'router'), path.join(out, 'router'));
  copyModules(path.join(libRoot, 'core'), path.join(out, 'core'), (name) => name === 'errors');
  const graphqlDir = path.dirname(require.resolve('graphql/package.json'));
  copyTree(graphqlDir, path.join(out, 'node_modules', 'graphql'), (f) => f.endsWith('.js') || f === 'package.json' || f === 'LICENSE');
  fs.writeFileSync(path.join(out, 'router', 'router-config.json'), JSON.stringify(config, null, 2) + '\n');
  return out;
}

/** Copies `*.js` (compiled) or transpiles `*.ts` (sources) from `src` to `dest`, recursively. */
function copyModules(src: string, dest: string, include: (baseName: string) => boolean = () => true): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const from = path.join(src, entry.name);
    if (entry.isDirectory()) {
      copyModules(from, path.join(dest, entry.name), include);
      continue;
    }
    const js = /\.js$/.test(entry.name);
    const ts = /\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name);
    const base = entry.name.replace(/\.(js|ts)$/, '');
    if (!(js || ts) || !include(base)) continue;
    const target = path.join(dest, `${base}.js`);
    if (js) {
      fs.copyFileSync(from, target);
    } else if (!fs.existsSync(path.join(src, `${base}.js`))) {
      fs.writeFileSync(target, transpile(fs.readFileSync(from, 'utf8'), entry.name));
    }
  }
}

function transpile(source: string, fileName: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts: typeof import('typescript') = require('typescript');
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}

function copyTree(src: string, dest: string, include: (file: string) => boolean): void {
  for (const entry of fs.readdirSync(src, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const from = path.join(src, entry.name);
    if (entry.isDirectory()) {
      copyTree(from, path.join(dest, entry.name), include);
    } else if (include(entry.name)) {
      fs.mkdirSync(dest, { recursive: true });
      fs.copyFileSync(from, path.join(dest, entry.name));
    }
  }
}
