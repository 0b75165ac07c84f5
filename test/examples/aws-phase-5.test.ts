// Example stacks are what users deploy: keep aws-cdk-lib's template validation on here.
process.env.CDK_VALIDATION = 'true';

import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPhase5, EXAMPLE_EU_RESIDENCY, Phase5Example } from '../../examples/aws/phase-5';
import { parseCliArgs } from '../../lib/router/cli';
import { createRouterServer } from '../../lib/router/server';
import { exampleContext } from '../aws/helpers';
import { alarmsOf } from '../aws/monitoring-helpers';

/** A plain string (the example names its global clusters). */
function m0(value: string | undefined): string {
  if (value === undefined) throw new Error('no global cluster identifier');
  return value;
}

const RUNBOOK_DOCS = path.join(__dirname, '..', '..', 'docs', 'aws', 'runbooks');

describe('AWS example, phase 5 (default regions)', () => {
  let app: App;
  let e: Phase5Example;
  let templates: Record<string, Template>;
  let stacks: Stack[];

  beforeAll(() => {
    app = new App({ context: exampleContext() });
    e = buildPhase5(app);
    stacks = [...e.partitioned.stacks, ...e.ledger.stacks];
    templates = Object.fromEntries(stacks.map((s) => [s.stackName, Template.fromStack(s)]));
  });

  test('monitoring per partition: one dashboard in its routing stack; every alarm of its stacks notifies an alarm topic of its own region', () => {
    expect(e.monitoring.map((m) => `${m.dashboardName} in ${m.dashboards.map((d) => Stack.of(d).stackName).join(', ')}`)).toEqual(
      e.partitioned.partitions.map((p) => `${m0(p.primary.globalClusterIdentifier)}-overview in ${p.routingStack.stackName}`),
    );
    e.partitioned.partitions.forEach((p, i) => {
      const gid = m0(p.primary.globalClusterIdentifier);
      expect(Object.keys(e.monitoring[i].alarmTopics).sort()).toEqual([...new Set(p.stacks.map((s) => s.region))].sort());
      let count = 0;
      for (const s of p.stacks) {
        const t = templates[s.stackName];
        const local = Object.keys(t.findResources('AWS::SNS::Topic', { Properties: { TopicName: `${gid}-alarms` } }));
        const expected = local.length === 1 ? `<Ref ${local[0]}>` : `arn:<Ref AWS::Partition>:sns:${s.region}:<Ref AWS::AccountId>:${gid}-alarms`;
        for (const a of alarmsOf(t)) {
          count++;
          expect({ id: a.id, actions: a.actions }).toEqual({ id: a.id, actions: expect.arrayContaining([expected]) });
          expect(a.description).toMatch(/Runbook: /);
        }
      }
      expect(count).toBeGreaterThanOrEqual(12);
    });
  });

  test('stacks: partition us keeps the phase-4 layout, partition eu in EU regions, the DSQL ledger by region', () => {
    expect(stacks.map((s) => `${s.stackName} (${s.region})`)).toEqual([
      'Phase5-us-east-1 (us-east-1)', 'Phase5-eu-west-1 (eu-west-1)', 'Phase5-Routing (us-east-1)',
      'Phase5-eu-eu-central-1 (eu-central-1)', 'Phase5-eu-eu-west-1 (eu-west-1)', 'Phase5-eu-Routing (us-east-1)',
      'Phase5-Ledger-us-east-1 (us-east-1)', 'Phase5-Ledger-us-east-2 (us-east-2)',
    ]);
    const eu = e.partitioned.partitions[1];
    expect(eu.partition.residency).toEqual(EXAMPLE_EU_RESIDENCY);
    expect([...eu.database.replicaStacks, eu.database.primaryStack].every((s) => EXAMPLE_EU_RESIDENCY.allowedRegions.includes(s.region))).toBe(true);
  });

  test.each([
    'Phase5-us-east-1', 'Phase5-eu-west-1', 'Phase5-Routing', 'Phase5-eu-eu-central-1', 'Phase5-eu-eu-west-1', 'Phase5-eu-Routing',
    'Phase5-Ledger-us-east-1', 'Phase5-Ledger-us-east-2',
  ])('snapshot of %s', (name) => {
    expect(templates[name].toJSON()).toMatchSnapshot();
  });

  test('write.<partition> and read.<partition> records; Step Functions failover in each partition\'s own regions', () => {
    templates['Phase5-eu-Routing'].resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'write.eu.phase5.example.com.' }, 2);
    templates['Phase5-eu-Routing'].resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'read.eu.phase5.example.com.' }, 2);
    templates['Phase5-Routing'].resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: 'write.us.phase5.example.com.' }, 2);
    for (const name of ['Phase5-eu-eu-central-1', 'Phase5-eu-eu-west-1']) templates[name].resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    templates['Phase5-eu-Routing'].resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });

  test('the DSQL ledger: two clusters with witness us-west-2, not peered until the identifiers are in context', () => {
    for (const name of ['Phase5-Ledger-us-east-1', 'Phase5-Ledger-us-east-2']) {
      templates[name].hasResourceProperties('AWS::DSQL::Cluster', { DeletionProtectionEnabled: true, MultiRegionProperties: { WitnessRegion: 'us-west-2' } });
    }
    expect(e.ledger.peered).toBe(false);
    const peered = buildPhase5(new App({ context: exampleContext({ dsqlClusterIdentifiers: JSON.stringify({ 'us-east-1': 'a'.repeat(26), 'us-east-2': 'b'.repeat(26) }) }) }));
    expect(peered.ledger.peered).toBe(true);
  });

  test('the router partition map and the generated runbooks under docs/aws/runbooks are up to date', () => {
    const files: [string, string][] = [
      [e.partitioned.overviewFileName, e.partitioned.overviewMarkdown],
      [e.ledger.runbookFileName, e.ledger.runbookMarkdown],
      ...e.partitioned.partitions.map((p): [string, string] => [p.runbook.runbookFileName, p.runbook.markdown]),
    ];
    expect(files.map(([f]) => f)).toEqual(['phase5-partitions.md', 'phase5-ledger-dsql.md', 'phase5-global.md', 'phase5-eu-global.md']);
    for (const [file, markdown] of files) {
      const at = path.join(RUNBOOK_DOCS, file);
      if (process.env.UPDATE_RUNBOOKS) fs.writeFileSync(at, markdown);
      expect(fs.readFileSync(at, 'utf8')).toBe(markdown);
    }
    expect(e.partitioned.partitionRouterConfig()).toEqual({
      us: { write: 'https://write.us.phase5.example.com', read: ['https://read.us.phase5.example.com'] },
      eu: { write: 'https://write.eu.phase5.example.com', read: ['https://read.eu.phase5.example.com'] },
    });
  });

  test('cdk-nag AwsSolutions: zero unacknowledged findings on every phase-5 stack', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('synth with template validation on writes the partition map and the runbooks into the cloud assembly', () => {
    const assembly = app.synth({ force: true });
    const dir = assembly.directory;
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'router', 'Phase5-partitions.json'), 'utf8'))).toEqual(e.partitioned.partitionRouterConfig());
    for (const f of ['phase5-partitions.md', 'phase5-ledger-dsql.md', 'phase5-eu-global.md']) expect(fs.existsSync(path.join(dir, 'runbooks', f))).toBe(true);
    // The GraphQL router reads the file as its --partitions map.
    const parsed = parseCliArgs(['--listen', '127.0.0.1:0', '--partitions', path.join(dir, 'router', 'Phase5-partitions.json'), '--partition-source', 'header:x-partition']);
    if (parsed === 'help') throw new Error('unexpected --help');
    expect(Object.keys(parsed.options.partitioning!.partitions)).toEqual(['us', 'eu']);
    expect(() => createRouterServer(parsed.options)).not.toThrow();
  });
});
