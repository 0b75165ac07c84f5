/**
 * Issue 18 item 9: a synth with the GraphQL edge router used to leave a
 * `mrc-edge-*` folder (~1.4 MB) in the system temp directory every time. The
 * bundle is now built inside the cloud assembly and removed once staged.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { GraphqlEdgeRouter } from '../../lib/aws';

// The module object itself (the `import * as` namespace has read-only getters): the library's
// and aws-cdk-lib's os.tmpdir() calls go through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeOs: typeof os = require('os');

function synthEdgeRouter(outdir: string, context: Record<string, unknown> = {}): void {
  const app = new App({ outdir, context });
  const stack = new Stack(app, 'Edge', { env: { account: '111111111111', region: 'us-east-1' } });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
  new GraphqlEdgeRouter(stack, 'Graphql', { writeHost: 'write.example.com', readHost: 'read.example.com', domainName: 'api.example.com', hostedZone });
  app.synth();
}

describe('the edge bundle leaves nothing behind', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mrc-tmp-test-'));
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  /** Every os.tmpdir() call of the library and aws-cdk-lib answers `dir` while `fn` runs. */
  const withTmpdir = (dir: string, fn: () => void) => {
    jest.spyOn(nodeOs, 'tmpdir').mockReturnValue(dir);
    try { fn(); } finally { jest.restoreAllMocks(); }
  };

  test('a synth leaves nothing in os.tmpdir(); the cloud assembly holds the staged asset and no build directory', () => {
    const tmp = path.join(root, 'tmp');
    const outdir = path.join(root, 'cdk.out');
    fs.mkdirSync(tmp);
    withTmpdir(tmp, () => {
      expect(os.tmpdir()).toBe(tmp);
      synthEdgeRouter(outdir);
    });
    expect(fs.readdirSync(tmp)).toEqual([]);
    const entries = fs.readdirSync(outdir);
    expect(entries.filter((e) => e.startsWith('.mrc-edge-'))).toEqual([]);
    const assets = entries.filter((e) => e.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    expect(fs.existsSync(path.join(outdir, assets[0], 'router', 'edge-handler.js'))).toBe(true);
  });

  test('with asset staging disabled (SAM local) the template points at the bundle, which stays inside the cloud assembly', () => {
    const tmp = path.join(root, 'tmp2');
    const outdir = path.join(root, 'cdk.out2');
    fs.mkdirSync(tmp);
    withTmpdir(tmp, () => synthEdgeRouter(outdir, { 'aws:cdk:disable-asset-staging': true }));
    expect(fs.readdirSync(tmp)).toEqual([]);
    const builds = fs.readdirSync(outdir).filter((e) => e.startsWith('.mrc-edge-'));
    expect(builds).toHaveLength(1);
    expect(fs.existsSync(path.join(outdir, builds[0], 'router', 'router-config.json'))).toBe(true);
  });
});
