/**
 * Issue 18, "done when": the library as a company engineer gets it. The
 * package is built and packed (`npm pack`), installed from the tarball into a
 * fresh project outside this repository — offline, from local tarballs only
 * (an empty npm cache, `--offline`) — and then:
 *
 * 1. importing `/aws` before the peer dependencies are installed names the
 *    package to install (item 4);
 * 2. a consumer compiles under `node` (node10), `node16`, `nodenext` and
 *    `bundler` module resolution (item 1), and a router-only consumer compiles
 *    with `skipLibCheck: false` (item 10, aws-lambda types);
 * 3. a small app synthesizes for an explicit account with no lookup and
 *    leaves nothing in the temp directory (items 2 and 9);
 * 4. the consumer's own jest snapshot test (docs/testing.md) passes, twice:
 *    the snapshot is stable from one run to the next (item 7).
 *
 * The peers (aws-cdk-lib, constructs, cdktf, the Google provider, @types/node)
 * are this repository's own installs, linked into the consumer after the
 * install: no network, and the same bits `npm ci` installed.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const PEERS = ['aws-cdk-lib', 'constructs', 'cdktf', '@cdktf/provider-google', '@types/node'];

let work: string;
let app: string;
let files: string[];

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const result = spawnSync(cmd, args, {
    cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', ...env }, timeout: 120_000,
  });
  if (result.error) throw result.error;
  return result;
}

function mustRun(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = run(cmd, args, cwd, env);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `npm pack` of a directory into `work`; returns the tarball's file name. */
function pack(dir: string): { filename: string; files: { path: string }[] } {
  const out = mustRun(NPM, ['pack', dir, '--pack-destination', work, '--json', '--ignore-scripts', '--offline'], work);
  return JSON.parse(out)[0];
}

/**
 * Source files parsed once for the build and every consumer compile (a parsed
 * file depends only on its name and the parse options; the consumer's
 * aws-cdk-lib resolves, through the link, to the same files as the build's).
 */
const parsed = new Map<string, ts.SourceFile | undefined>();
function cachedProgram(rootNames: string[], options: ts.CompilerOptions): ts.Program {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => {
    // The parse depends on the language version, the module format and JSDoc parsing, not on
    // the package.json metadata the options also carry.
    const o = typeof version === 'object' ? version : { languageVersion: version };
    const key = `${name}|${o.languageVersion}|${o.impliedNodeFormat}|${o.jsDocParsingMode}`;
    if (!parsed.has(key)) parsed.set(key, getSourceFile(name, version, ...rest));
    return parsed.get(key);
  };
  return ts.createProgram(rootNames, options, host);
}

/** `npm run build` into `outDir`, in this process (tsconfig.build.json); `npm test` type-checks lib/ first, so emit only. */
function build(outDir: string): void {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.build.json'), { outDir }, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const result = cachedProgram(config.fileNames, config.options).emit();
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (result.emitSkipped || errors.length > 0) throw new Error(`build failed: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`);
}

function copyTree(src: string, dest: string): void {
  fs.cpSync(src, dest, { recursive: true });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-consumer-'));
  // 1. Build dist/ into a staged copy of the package (the checkout stays untouched) and pack it.
  const stage = path.join(work, 'multiregion-constructs');
  fs.mkdirSync(stage);
  for (const f of ['package.json', 'README.md', 'LICENSE']) fs.copyFileSync(path.join(ROOT, f), path.join(stage, f));
  copyTree(path.join(ROOT, 'docs'), path.join(stage, 'docs'));
  build(path.join(stage, 'dist'));
  const library = pack(stage);
  files = library.files.map((f) => f.path);
  // The library's runtime dependencies, packed from this checkout's installs: the install needs no registry.
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const deps = Object.fromEntries(Object.keys(manifest.dependencies).map((name) =>
    [name, `file:../${pack(path.join(ROOT, 'node_modules', name)).filename}`]));

  // 2. A fresh company project, installed offline with an empty cache.
  app = path.join(work, 'company-app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'company-app', version: '1.0.0', private: true,
    dependencies: { 'multiregion-constructs': `file:../${library.filename}`, ...deps },
  }, null, 2));
  mustRun(NPM, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--legacy-peer-deps',
    '--cache', path.join(work, 'empty-npm-cache')], app);
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Links this checkout's install of each peer into the consumer (after `npm install`, which would prune them). */
function linkPeers(): void {
  for (const name of PEERS) {
    const target = path.join(app, 'node_modules', name);
    if (fs.existsSync(target)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), target, 'dir');
  }
}

test('the tarball ships the compiled entry points, their types, LICENSE and the README; no TypeScript sources', () => {
  expect(files).toEqual(expect.arrayContaining([
    'LICENSE', 'README.md', 'package.json',
    'dist/core/index.js', 'dist/aws/index.js', 'dist/aws/index.d.ts', 'dist/gcp/index.d.ts', 'dist/router/index.d.ts', 'dist/router/cli.js',
  ]));
  expect(files.filter((f) => f.startsWith('lib/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
  // Source maps carry their sources (lib/*.ts is not shipped, so a map that only points there is useless).
  const maps = files.filter((f) => f.endsWith('.js.map'));
  expect(maps.length).toBeGreaterThan(0);
  const installed = path.join(app, 'node_modules', 'multiregion-constructs');
  const withoutSources = maps.filter((m) => {
    const map = JSON.parse(fs.readFileSync(path.join(installed, m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
    return !map.sourcesContent || map.sourcesContent.length !== map.sources.length || map.sourcesContent.some((c) => !c);
  });
  expect(withoutSources).toEqual([]);
  // The package README starts with installing and using it, not with this repository's npm ci.
  const readme = fs.readFileSync(path.join(installed, 'README.md'), 'utf8');
  const firstSection = readme.split(/^## /m)[1];
  expect(firstSection.startsWith('Install')).toBe(true);
  expect(firstSection).toContain('npm install multiregion-constructs aws-cdk-lib constructs');
});

test('importing /aws without aws-cdk-lib names the package to install', () => {
  expect(fs.existsSync(path.join(app, 'node_modules', 'aws-cdk-lib'))).toBe(false);
  const result = run(process.execPath, ['-e', "require('multiregion-constructs/aws')"], app);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain(
    'multiregion-constructs/aws needs aws-cdk-lib and constructs (peer dependencies of multiregion-constructs), which are not installed; '
    + "install multiregion-constructs/aws's peer dependencies next to it: npm install aws-cdk-lib@^2.276.0 constructs@^10.5.1",
  );
  // The router needs no cloud library.
  expect(run(process.execPath, ['-e', "require('multiregion-constructs/router')"], app).status).toBe(0);
});

describe('with the peer dependencies installed', () => {
  beforeAll(() => {
    linkPeers();
    fs.mkdirSync(path.join(app, 'src'));
    // What docs/testing.md shows: an explicit account and zones, so synth looks nothing up.
    fs.writeFileSync(path.join(app, 'src', 'app.ts'), `
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { GraphqlEdgeRouter, MultiRegionConfigError, PrimaryRegion } from 'multiregion-constructs/aws';
import { LADDER } from 'multiregion-constructs';
import type { RouteDecision } from 'multiregion-constructs/router';
import type { PrimaryRegionProps as GcpPrimaryRegionProps } from 'multiregion-constructs/gcp';

export const phaseOneName: string = LADDER[1].name;
export type Decisions = RouteDecision[];
export type GcpProps = GcpPrimaryRegionProps;

export function buildApp(outdir?: string): { app: App; stack: Stack } {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Orders', { env: { account: '123456789012', region: 'us-east-1' } });
  new PrimaryRegion(stack, 'Database', { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
  new GraphqlEdgeRouter(stack, 'Api', { writeHost: 'write.example.com', readHost: 'read.example.com', domainName: 'api.example.com', hostedZone });
  return { app, stack };
}

export function isConfigError(e: unknown): boolean {
  return e instanceof MultiRegionConfigError;
}
`);
    fs.writeFileSync(path.join(app, 'src', 'router-only.ts'), `
import { classify, createRouterServer } from 'multiregion-constructs/router';
export const route = classify({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, body: '{"query":"{ a }"}' });
export const make = createRouterServer;
`);
  });

  const base: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true, types: ['node'], esModuleInterop: true };
  const modes: Record<string, ts.CompilerOptions> = {
    node: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
    node16: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
    nodenext: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
    bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
  };

  const program = (file: string, options: ts.CompilerOptions) => cachedProgram([path.join(app, 'src', file)], options);
  const show = (d: ts.Diagnostic) =>
    `${d.file ? path.relative(app, d.file.fileName) : ''}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;

  /** Diagnostics of the consumer's own file (and of the options). */
  function diagnostics(file: string, options: ts.CompilerOptions): string[] {
    const p = program(file, options);
    const own = p.getSourceFile(path.join(app, 'src', file))!;
    return [...p.getOptionsDiagnostics(), ...p.getGlobalDiagnostics(), ...p.getSyntacticDiagnostics(own), ...p.getSemanticDiagnostics(own)].map(show);
  }

  test.each(Object.keys(modes))('a consumer compiles under moduleResolution %s', (mode) => {
    expect(diagnostics('app.ts', { ...base, ...modes[mode], skipLibCheck: true })).toEqual([]);
  }, 120_000);

  test('a router-only consumer compiles with skipLibCheck: false (the aws-lambda types come with the package)', () => {
    const options = { ...base, ...modes.node, skipLibCheck: false };
    const p = program('router-only.ts', options);
    // What skipLibCheck: false adds: the package's own declaration files are checked (edge.d.ts imports aws-lambda).
    const ours = p.getSourceFiles().filter((f) => f.fileName.includes('/node_modules/multiregion-constructs/'));
    expect(ours.map((f) => path.basename(f.fileName))).toEqual(expect.arrayContaining(['edge.d.ts', 'index.d.ts']));
    expect([...diagnostics('router-only.ts', options), ...ours.flatMap((f) => [...p.getSyntacticDiagnostics(f), ...p.getSemanticDiagnostics(f)].map(show))]).toEqual([]);
  });

  test('it synthesizes for an explicit account with no lookup, leaves nothing in the temp directory, and its snapshot test passes twice', () => {
    const emit = program('app.ts', {
      ...base, ...modes.node, noEmit: false, skipLibCheck: true, outDir: path.join(app, 'out'), rootDir: path.join(app, 'src'),
    }).emit();
    expect(emit.emitSkipped).toBe(false);

    // The consumer's snapshot test, as docs/testing.md writes it, run by jest in the consumer. Its
    // app synthesizes into ORDERS_OUTDIR, so the cloud assembly can be inspected afterwards.
    fs.mkdirSync(path.join(app, 'test'));
    fs.writeFileSync(path.join(app, 'test', 'orders.test.js'), `
const { Template } = require('aws-cdk-lib/assertions');
const { buildApp } = require('../out/app');

function stable(template) {
  return JSON.parse(JSON.stringify(template.toJSON())
    .replace(/[0-9a-f]{64}/g, '[asset hash]')
    .replace(/(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}/g, '$1[version hash]'));
}

test('the Orders stack', () => {
  const { stack } = buildApp(process.env.ORDERS_OUTDIR);
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::RDS::DBCluster', { StorageEncrypted: true, DeletionProtection: true });
  template.resourceCountIs('AWS::RDS::DBInstance', 2);
  expect(stable(template)).toMatchSnapshot();
});
`);
    const tmp = path.join(work, 'tmp');
    fs.mkdirSync(tmp);
    const outdir = path.join(work, 'cdk.out');
    const jest = [require.resolve('jest/bin/jest'), '--rootDir', app, '--watchman=false', '--colors=false', '--cacheDirectory', path.join(work, 'jest-cache')];
    const env = { TMPDIR: tmp, ORDERS_OUTDIR: outdir, CDK_VALIDATION: 'false', CDK_DISABLE_VERSION_CHECK: '1' };
    const first = run(process.execPath, [...jest, '--ci=false'], app, env);
    expect(`${first.status}\n${first.stderr}`).toMatch(/^0\n[\s\S]*1 snapshot written/);

    // Synthesized for an explicit account: nothing left to look up, no placeholder zones, nothing left in the temp directory.
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as { missing?: unknown[] };
    expect(manifest.missing ?? []).toEqual([]);
    expect(fs.readdirSync(tmp)).toEqual([]);
    const template = fs.readFileSync(path.join(outdir, 'Orders.template.json'), 'utf8');
    expect(template).not.toContain('dummy1a');
    expect(template).toContain('us-east-1b');

    // A second run compares with the stored snapshot: stable from one run to the next.
    const second = run(process.execPath, [...jest, '--ci'], app, env);
    expect(`${second.status}\n${second.stderr}`).toMatch(/^0\n[\s\S]*1 passed/);
    const snapshot = fs.readFileSync(path.join(app, 'test', '__snapshots__', 'orders.test.js.snap'), 'utf8');
    expect(snapshot).toContain('[asset hash].zip');
    expect(snapshot).toMatch(/CurrentVersion[0-9A-F]{8}\[version hash\]/);
    expect(snapshot).not.toContain('dummy1');
  }, 120_000);

  test('the router command works after install: npx multiregion-router --help', () => {
    const result = run(path.join(app, 'node_modules', '.bin', 'multiregion-router'), ['--help'], app);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: multiregion-router --primary <url> --read <url>');
  });
});
