/**
 * The examples on both clouds, synthesized once in this process (beforeAll)
 * into temporary cdk.out / cdktf.out directories exactly as `npm run synth`
 * writes them, then estimated: every resource type priced or explained, the
 * ladder for both clouds with each climb explained by its line items, and
 * docs/cost.md up to date (regenerate with
 * `npm run synth && npm run cost -- --write-docs`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { App as CdktfApp } from 'cdktf';
import { buildExamples } from '../../examples/aws/app';
import { readGcpExampleConfig } from '../../examples/gcp/config';
import { buildGcpExamples } from '../../examples/gcp/main';
import { CostEstimate, estimateCost, generatedPart, ladderView, LadderRow, readSynthOutput, renderCostDocs, UNKNOWN_TYPE } from '../../lib/cost';
import { contextFile } from '../aws/helpers';
import { cleanup, tmpDir } from './fixtures';

let awsOut: string;
let gcpOut: string;
let estimate: CostEstimate;
let ladder: LadderRow[];

beforeAll(() => {
  awsOut = path.join(tmpDir(), 'cdk.out');
  // analyticsReporting: the CLI's default, so AWS::CDK::Metadata is there as in `npm run synth`.
  const app = new App({ outdir: awsOut, context: contextFile(), analyticsReporting: true });
  buildExamples(app);
  app.synth();

  gcpOut = path.join(tmpDir(), 'cdktf.out');
  const gcp = new CdktfApp({ outdir: gcpOut });
  const runbooks = buildGcpExamples(gcp, readGcpExampleConfig({}));
  gcp.synth();
  fs.mkdirSync(path.join(gcpOut, 'runbooks'), { recursive: true });
  for (const [name, markdown] of Object.entries(runbooks)) fs.writeFileSync(path.join(gcpOut, 'runbooks', name), markdown);

  estimate = estimateCost([awsOut, gcpOut]);
  ladder = ladderView(estimate);
}, 120_000);

afterAll(cleanup);

test('both outputs are read: 23 AWS stacks and 32 Google Cloud stacks (with the state bucket, a network stack per phase and the application in each region)', () => {
  expect(estimate.stacks.filter((s) => s.cloud === 'aws').map((s) => s.name)).toEqual([
    'Phase1-us-east-1', 'Phase2-us-east-1', 'Phase2-eu-west-1', 'Phase3-us-east-1', 'Phase3-eu-west-1', 'Phase3-Routing',
    'Phase4-us-east-1', 'Phase4-eu-west-1', 'Phase4-Routing',
    'Phase5-us-east-1', 'Phase5-eu-west-1', 'Phase5-Routing', 'Phase5-eu-eu-central-1', 'Phase5-eu-eu-west-1', 'Phase5-eu-Routing',
    'Phase5-Ledger-us-east-1', 'Phase5-Ledger-us-east-2',
    'Connect-us-east-1', 'Connect-eu-west-1', 'ConnectApp-eu-west-1', 'ConnectApp-us-east-1', 'ConnectGrants-eu-west-1', 'ConnectGrants-us-east-1',
  ]);
  expect(estimate.stacks.filter((s) => s.cloud === 'gcp')).toHaveLength(32);
});

test('every resource type in every example is priced or explained (none unknown to the estimator)', () => {
  const unknownTypes = estimate.notPriced.filter((n) => n.detail === UNKNOWN_TYPE).map((n) => `${n.cloud} ${n.resourceType} ×${n.count}`);
  expect(unknownTypes).toEqual([]);
});

test('every resource has a line item or a not-priced entry: never a silent zero', () => {
  const all = [awsOut, gcpOut].flatMap((d) => readSynthOutput(d).stacks.flatMap((s) => s.resources.map((r) => `${s.name}/${r.id}`)));
  const accounted = new Set([
    ...estimate.lineItems.map((i) => `${i.stack}/${i.resource}`),
    ...estimate.notPriced.flatMap((n) => n.resources),
  ]);
  expect(all.filter((r) => !accounted.has(r))).toEqual([]);
  expect(all.length).toBeGreaterThan(400);
});

test('what is not priced in the examples, and why', () => {
  expect(estimate.notPriced.filter((n) => n.reason !== 'free').map((n) => `${n.cloud} ${n.resourceType} ×${n.count} ${n.reason}`)).toEqual([
    'aws AWS::ARCRegionSwitch::Plan ×1 unknown',
    'gcp google_compute_health_check ×4 unknown',
    'gcp google_spanner_database ×1 unknown',
    'gcp google_spanner_instance ×1 unknown',
    'aws AWS::DSQL::Cluster ×2 usage-only',
    // The application in each region's services and the deploy-time lookups' provider (issue 22).
    'aws AWS::Lambda::Function ×4 usage-only',
    'aws AWS::S3::Bucket ×2 usage-only',
    // Failover-engine topics (phases 4 and 5) and the alarm topic of each region hosting alarms (phases 2-5: DeploymentMonitoring, one set per partition in phase 5).
    'aws AWS::SNS::Topic ×17 usage-only',
    'gcp google_cloud_run_v2_service ×2 usage-only',
    'gcp google_secret_manager_secret_version ×2 usage-only',
    'gcp google_spanner_backup_schedule ×1 usage-only',
    'gcp google_storage_bucket ×1 usage-only',
  ]);
});

describe.each(['aws', 'gcp'] as const)('the ladder on %s', (cloud) => {
  const rows = () => ladder.filter((r) => r.cloud === cloud);

  test('a monthly total for phases 1–5', () => {
    expect(rows().map((r) => [r.phase, r.monthly === undefined ? 'none' : r.monthly > 0])).toEqual([[1, true], [2, true], [3, true], [4, true], [5, true]]);
  });

  test('each climb is the difference of the phase totals and is explained by its line items', () => {
    for (const [prev, next] of [[0, 1], [1, 2], [2, 3]]) {
      const [a, b] = [rows()[prev], rows()[next]];
      expect(b.delta).toBeCloseTo(b.monthly! - a.monthly!, 1);
      expect(b.deltaLines.reduce((s, d) => s + d.delta, 0)).toBeCloseTo(b.delta!, 6);
      expect(b.deltaLines.length).toBeGreaterThan(0);
    }
  });

  test('phase 2 adds a database in the second region; phase 2 costs more than phase 1', () => {
    const [p1, p2] = rows();
    expect(p2.monthly!).toBeGreaterThan(p1.monthly!);
    const region = cloud === 'aws' ? 'eu-west-1' : 'europe-west1';
    expect(p2.deltaLines.filter((d) => d.item.endsWith(`(${region})`) && d.delta > 0).length).toBeGreaterThan(0);
  });

  test('what each climb buys comes from the core ladder model', () => {
    expect(rows()[1].protectsAgainst).toBe('the loss of the primary region, with a manual promotion (RPO > 0)');
    expect(rows()[0].recovery).toBe('no failover runbook in the output: recovery to another Region is manual');
  });
});

test('the Google Cloud phase 5 row: two partitions of Cloud SQL and a Spanner ledger; what has no price is listed, never a silent zero', () => {
  const p5 = ladder.find((r) => r.cloud === 'gcp' && r.phase === 5)!;
  expect(p5.stacks).toHaveLength(10);
  expect(p5.monthly!).toBeGreaterThan(ladder.find((r) => r.cloud === 'gcp' && r.phase === 4)!.monthly!);
  expect(p5.deltaLines.some((d) => d.item.endsWith('(europe-west4)') && d.delta > 0)).toBe(true);
  expect(p5.notPriced).toEqual([
    'google_compute_health_check ×2 (unknown)', 'google_spanner_database ×1 (unknown)', 'google_spanner_instance ×1 (unknown)', 'google_spanner_backup_schedule ×1 (usage-only)',
  ]);
  // As for phases 3–4 on Google Cloud: the generated runbook states no RTO/RPO line the estimator reads.
  expect(p5.recovery).toBe('runbook orders-p5-eu-failover.md states no RTO/RPO estimate');
});

test('the AWS phase 5 row: two partitions of Aurora and a DSQL ledger; DSQL is usage-only, listed, never a silent zero', () => {
  const [p4, p5] = [4, 5].map((n) => ladder.find((r) => r.cloud === 'aws' && r.phase === n)!);
  expect(p5.stacks).toHaveLength(8);
  expect(p5.monthly!).toBeGreaterThan(p4.monthly!);
  expect(p5.deltaLines.some((d) => d.item.endsWith('(eu-central-1)') && d.delta > 0)).toBe(true);
  expect(p5.notPriced).toEqual(['AWS::DSQL::Cluster ×2 (usage-only)', 'AWS::S3::Bucket ×1 (usage-only)', 'AWS::SNS::Topic ×9 (usage-only)']);
});

test('the AWS phase 3 climb is the routing layer; its recovery comes from the generated runbook', () => {
  const p3 = ladder.find((r) => r.cloud === 'aws' && r.phase === 3)!;
  expect(p3.deltaLines.every((d) => /Route 53|CloudWatch alarm/.test(d.item))).toBe(true);
  expect(p3.recovery).toBe('switchover RTO about 4 min 30 s, RPO 0; failover RTO about 15 min, RPO about 30 s');
  // The Region switch plan has no price: the row says what its total leaves out.
  expect(p3.notPriced).toEqual(['AWS::ARCRegionSwitch::Plan ×1 (unknown)', 'AWS::SNS::Topic ×2 (usage-only)']);
  expect(ladder.find((r) => r.cloud === 'aws' && r.phase === 4)!.notPriced).toEqual(['AWS::S3::Bucket ×1 (usage-only)', 'AWS::SNS::Topic ×4 (usage-only)']);
});

test('docs/cost.md holds the generated table for the examples (npm run synth && npm run cost -- --write-docs)', () => {
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'cost.md'), 'utf8');
  expect(generatedPart(docs)).toBe(renderCostDocs(estimate).trim());
});
