/**
 * Phase 5 on AWS, active-active (issue 8, mode 2): an Aurora DSQL
 * multi-Region cluster — two peered clusters in stacks named by region, a
 * witness Region, peering in a second deploy that replaces nothing — with
 * the Region-loss runbook and the conflict model; every bad input is a
 * synth-time error naming construct, property, value and fix.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ActiveActiveDatabase, ActiveActiveDatabaseProps } from '../../lib/aws';
import { compareStateful, loadReplacementSpec, synthesize } from '../day-two/aws-compare';
import { ACCOUNT, contextFile, errorOf } from './helpers';

const IDS = { 'us-east-1': 'abcdefghijklmnopqrstuvwxy1', 'us-east-2': 'abcdefghijklmnopqrstuvwxy2' };

function build(extra: Partial<ActiveActiveDatabaseProps> = {}) {
  const app = new App({ context: contextFile() });
  const db = new ActiveActiveDatabase(app, 'Ledger', { account: ACCOUNT, regions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', writeRunbook: false, ...extra });
  return { app, db };
}

describe('two peered clusters and a witness Region', () => {
  const { app, db } = build();
  const t = Object.fromEntries(db.stacks.map((s) => [s.region, Template.fromStack(s)]));

  test('one stack per Region, named by region; a cluster with deletion protection, its own key, the witness, retained', () => {
    expect(db.stacks.map((s) => `${s.stackName} (${s.region})`)).toEqual(['Ledger-us-east-1 (us-east-1)', 'Ledger-us-east-2 (us-east-2)']);
    for (const region of ['us-east-1', 'us-east-2']) {
      t[region].hasResource('AWS::DSQL::Cluster', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          DeletionProtectionEnabled: true,
          KmsEncryptionKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
          MultiRegionProperties: { WitnessRegion: 'us-west-2' },
        },
      });
      t[region].hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
      t[region].hasOutput('ClusterIdentifier', {});
    }
  });

  test("the key lets DSQL use it for this account's clusters in its Region only, with named actions", () => {
    const statements = Object.values(t['us-east-2'].findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement as any[];
    const dsql = statements.filter((s) => s.Principal?.Service === 'dsql.amazonaws.com');
    expect(dsql.map((s) => s.Action)).toEqual([['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'], 'kms:DescribeKey']);
    expect(dsql[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ACCOUNT },
      ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dsql:us-east-2:${ACCOUNT}:cluster/*`]] } },
    });
  });

  test('not peered before the identifiers are known: a warning says what to do, and the runbook says it too', () => {
    expect(db.peered).toBe(false);
    const warnings = db.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings.join('\n')).toMatch(/not peered yet: after this deploy, set clusterIdentifiers from each stack's ClusterIdentifier output and deploy again/);
    expect(db.runbookMarkdown).toContain('## Before first use: peer the clusters');
  });

  test('cdk-nag AwsSolutions: no findings', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations).toEqual([]);
  });

  test('the runbook: what the loss of each Region does, what the operator does, and the conflict model (SQLSTATE 40001)', () => {
    const md = db.runbookMarkdown;
    expect(md).toContain('| us-east-1 | clients in us-east-1 lose their local endpoint; writes and reads continue in us-east-2 with no data loss');
    expect(md).toContain('| us-west-2 | no client impact while us-east-1 and us-east-2 are up; losing one of them as well leaves no quorum and writes stop |');
    expect(md).toContain('the surviving peer keeps accepting reads and writes while the witness gives it quorum');
    expect(md).toContain('SQLSTATE `40001`');
    expect(db.blastRadius().map((r) => r.region)).toEqual(['us-east-1', 'us-east-2', 'us-west-2']);
    expect(db.conflictModel.mode).toBe('active-active');
  });
});

describe('peering (the second deploy)', () => {
  test('with both identifiers, both templates list both cluster ARNs', () => {
    const { db } = build({ clusterIdentifiers: IDS });
    expect(db.peered).toBe(true);
    const arn = (region: string, id: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:dsql:${region}:${ACCOUNT}:cluster/${id}`]] });
    for (const stack of db.stacks) {
      Template.fromStack(stack).hasResourceProperties('AWS::DSQL::Cluster', {
        MultiRegionProperties: { WitnessRegion: 'us-west-2', Clusters: [arn('us-east-1', IDS['us-east-1']), arn('us-east-2', IDS['us-east-2'])] },
      });
    }
    expect(db.runbookMarkdown).not.toContain('Before first use');
    expect(db.runbookMarkdown).toContain(IDS['us-east-2']);
  });

  test('the peering deploy replaces nothing (no AWS::DSQL::Cluster property causes replacement; same stacks and logical ids)', async () => {
    const types = ['AWS::DSQL::Cluster', 'AWS::KMS::Key'];
    const spec = await loadReplacementSpec(types);
    expect(Object.values(spec['AWS::DSQL::Cluster']).filter((c) => c !== undefined)).toEqual([]);
    const changes = compareStateful(synthesize(build().app), synthesize(build({ clusterIdentifiers: IDS }).app), spec, [], types);
    expect(changes.filter((c) => c.kind !== 'updated')).toEqual([]);
    expect(changes.map((c) => `${c.stack} ${c.type} ${c.property}`)).toEqual([
      'Ledger-us-east-1 AWS::DSQL::Cluster MultiRegionProperties', 'Ledger-us-east-2 AWS::DSQL::Cluster MultiRegionProperties',
    ]);
  });
});

describe('bad input is a synth-time error naming construct, property, value and fix', () => {
  const msg = (extra: Partial<ActiveActiveDatabaseProps>) => errorOf(() => build(extra));

  test('the witness equal to a cluster Region', () => {
    expect(msg({ witnessRegion: 'us-east-2' })).toBe(
      "ActiveActiveDatabase 'Ledger': witnessRegion 'us-east-2' is also a peered cluster's Region; the witness must be a third Region, or losing that Region would take a cluster and the quorum vote with it; choose a witness Region other than us-east-1 and us-east-2 in the same Region set (us-west-2)",
    );
  });

  test('peers in Regions that cannot peer (two Region sets)', () => {
    expect(msg({ regions: ['us-east-1', 'eu-west-1'] })).toBe(
      "ActiveActiveDatabase 'Ledger': regions ['us-east-1', 'eu-west-1'] cannot peer: they are in different Aurora DSQL Region sets (US and Europe), and DSQL has no cross-continent multi-Region clusters; choose both Regions from one set (US: us-east-1, us-east-2, us-west-2; Asia Pacific: ap-northeast-3, ap-northeast-2, ap-northeast-1; Europe: eu-central-1, eu-west-1, eu-west-2, eu-west-3), or keep the data of each continent in its own partition (GeoPartitionedDatabase)",
    );
  });

  test('a peer in a Region without multi-Region DSQL', () => {
    expect(msg({ regions: ['us-east-1', 'sa-east-1'] })).toMatch(
      /^ActiveActiveDatabase 'Ledger': regions\[1\] 'sa-east-1' is not a Region where Aurora DSQL offers multi-Region clusters; choose Regions of one Region set: US: /,
    );
  });

  test('more than the allowed number of peers', () => {
    expect(msg({ regions: ['us-east-1', 'us-east-2', 'us-west-2'], witnessRegion: 'us-west-1' })).toBe(
      "ActiveActiveDatabase 'Ledger': regions ['us-east-1', 'us-east-2', 'us-west-2'] lists 3 peered clusters, more than the 2 an Aurora DSQL multi-Region cluster has (two Regional endpoints plus a witness Region); list exactly two Regions of one Region set (US: us-east-1, us-east-2, us-west-2; Asia Pacific: ap-northeast-3, ap-northeast-2, ap-northeast-1; Europe: eu-central-1, eu-west-1, eu-west-2, eu-west-3) and put a third in witnessRegion",
    );
  });

  test('a witness outside the peers\' Region set, and one outside the residency', () => {
    expect(msg({ witnessRegion: 'eu-west-1' })).toBe(
      "ActiveActiveDatabase 'Ledger': witnessRegion 'eu-west-1' is not in the peers' Region set (US: us-east-1, us-east-2, us-west-2); choose the witness from us-west-2",
    );
    const eu = { name: 'EU only', allowedRegions: ['eu-central-1', 'eu-west-1', 'eu-west-3'] };
    expect(msg({ regions: ['eu-central-1', 'eu-west-1'], witnessRegion: 'eu-west-2', residency: eu })).toBe(
      "ActiveActiveDatabase 'Ledger': witnessRegion 'eu-west-2' is outside the residency rule 'EU only' (allowed: eu-central-1, eu-west-1, eu-west-3), but the witness stores encrypted transaction logs of the data; choose a witness Region the residency rule allows",
    );
    expect(msg({ regions: ['eu-central-1', 'eu-west-2'], witnessRegion: 'eu-west-1', residency: eu })).toBe(
      "ActiveActiveDatabase 'Ledger': regions[1] 'eu-west-2' may not hold the data under the residency rule 'EU only' (allowed: eu-central-1, eu-west-1, eu-west-3); choose Regions the residency rule allows",
    );
  });

  test('an unknown region name', () => {
    expect(msg({ witnessRegion: 'us-middle-1' })).toMatch(/^ActiveActiveDatabase 'Ledger': witnessRegion 'us-middle-1' is not an AWS region this release knows; check the spelling/);
    expect(msg({ regions: ['us-east-1', 'us east 2'] })).toBe("ActiveActiveDatabase 'Ledger': regions[1] 'us east 2' is not a valid AWS region name; use a region name such as 'us-east-1'");
  });

  test('identifiers: one missing, one malformed', () => {
    expect(msg({ clusterIdentifiers: { 'us-east-1': 'NOT-AN-ID' } })).toBe([
      '2 configuration problems:',
      "- ActiveActiveDatabase 'Ledger': clusterIdentifiers.us-east-1 'NOT-AN-ID' is not an Aurora DSQL cluster identifier (26 lowercase letters and digits); copy it from the stack output ClusterIdentifier of the us-east-1 stack after the first deploy",
      "- ActiveActiveDatabase 'Ledger': clusterIdentifiers has no identifier for us-east-2, so the clusters cannot be peered; give the identifier of every cluster (both stacks' ClusterIdentifier outputs), or none until both are deployed",
    ].join('\n'));
  });

  test('deletion protection off without accepting data loss', () => {
    expect(msg({ deletionProtection: false })).toBe(
      "ActiveActiveDatabase 'Ledger': deletionProtection is false, which lets a delete of the stack (or the cluster) delete the data; remove deletionProtection (default true), or also set allowDataLossOnDelete: true to accept it",
    );
  });
});
