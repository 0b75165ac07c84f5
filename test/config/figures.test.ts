/**
 * lib/config keeps its own copy of the cloud figures (it may not load
 * aws-cdk-lib or cdktf). Each value equals the construct modules' — the
 * profiles, Aurora's figures, the estimate's inputs, the decision rule, the
 * RPO guard and the routers' defaults — so the two cannot drift.
 */
process.env.CDK_VALIDATION = 'false';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Testing, TerraformStack } from 'cdktf';
import { GlobalRouter as AwsRouter, RouterTarget } from '../../lib/aws';
import { AWS_PROFILE } from '../../lib/aws/private/aws-profile';
import {
  AURORA_DR_DOC, AURORA_FAILOVER, AURORA_SWITCHOVER, AURORA_TYPICAL_LAG_SECONDS, awsRecoveryInputs, GLOBAL_DB_RPO_DOC,
  GLOBAL_DB_RPO_MAX_SECONDS, GLOBAL_DB_RPO_MIN_SECONDS, ROUTE53_HEALTH_CHECK_DOC,
} from '../../lib/aws/private/aws-recovery';
import { AUTOMATIC_DECISION_SECONDS, DEFAULT_HUMAN_DECISION, resolveDecision } from '../../lib/aws/private/decision';
import { checkRpoGuard, RPO_LAG_ALARM_SHARE } from '../../lib/aws/private/rpo-guard';
import { WRITER_SIGNAL_SHIFT_SECONDS } from '../../lib/aws/private/writer-signal';
import { Duration } from 'aws-cdk-lib';
import { CfnHealthCheck } from 'aws-cdk-lib/aws-route53';
import * as config from '../../lib/config/figures';
import { awsInputs, decisionStretch, enforcedRpoSeconds } from '../../lib/config/recovery';
import { GlobalRouter as GcpRouter, PrimaryRegion as GcpPrimary } from '../../lib/gcp';
import { CLOUD_SQL_REGIONS, GCP_PROFILE } from '../../lib/gcp/private/gcp-profile';
import { MAX_INSTANCE_NAME } from '../../lib/gcp/private/names';
import { aws3, errorsOf, withChanges } from './helpers';
import { topo } from '../aws/helpers';

const { AWS_FIGURES, GCP_FIGURES } = config;

test('the profiles: regions, naming, limits and their sources', () => {
  expect([...config.AWS_REGIONS].sort()).toEqual(RegionInfo.regions.map((r) => r.name).sort());
  expect({ ...config.AWS_CONFIG_PROFILE, regionPattern: config.AWS_CONFIG_PROFILE.regionPattern.source })
    .toEqual({ ...AWS_PROFILE, regionPattern: AWS_PROFILE.regionPattern.source, knownRegions: config.AWS_REGIONS });
  expect(config.GCP_REGIONS).toEqual(CLOUD_SQL_REGIONS);
  expect({ ...config.GCP_CONFIG_PROFILE, regionPattern: config.GCP_CONFIG_PROFILE.regionPattern.source })
    .toEqual({ ...GCP_PROFILE, regionPattern: GCP_PROFILE.regionPattern.source });
  expect(GCP_FIGURES.maxInstanceName).toBe(MAX_INSTANCE_NAME);
});

test('Aurora\'s figures, with the same sources', () => {
  expect(AWS_FIGURES.failover).toEqual(AURORA_FAILOVER);
  expect(AWS_FIGURES.switchover).toEqual(AURORA_SWITCHOVER);
  expect(AWS_FIGURES.typicalLagSeconds).toBe(AURORA_TYPICAL_LAG_SECONDS);
  expect([AWS_FIGURES.globalDbRpoMinSeconds, AWS_FIGURES.globalDbRpoMaxSeconds]).toEqual([GLOBAL_DB_RPO_MIN_SECONDS, GLOBAL_DB_RPO_MAX_SECONDS]);
  expect([config.AURORA_DR_DOC, config.GLOBAL_DB_RPO_DOC, config.ROUTE53_HEALTH_CHECK_DOC]).toEqual([AURORA_DR_DOC, GLOBAL_DB_RPO_DOC, ROUTE53_HEALTH_CHECK_DOC]);
  expect(AWS_FIGURES.automaticDecisionSeconds).toBe(AUTOMATIC_DECISION_SECONDS);
  expect(AWS_FIGURES.humanDecisionSeconds).toBe(DEFAULT_HUMAN_DECISION.toSeconds());
  expect(AWS_FIGURES.trafficShift.seconds).toBe(WRITER_SIGNAL_SHIFT_SECONDS);
  expect(AWS_FIGURES.rpoLagAlarmShare).toBe(RPO_LAG_ALARM_SHARE);
});

test.each([
  { phase: 3, engine: 'postgresql', interval: 10, threshold: 3, ttl: 60, decision: 'manual', time: 600, loss: false, rpo: 30 },
  { phase: 4, engine: 'postgresql', interval: 30, threshold: 1, ttl: 5, decision: 'automatic', time: 300, loss: true, rpo: 10 },
  { phase: 3, engine: 'mysql', interval: 10, threshold: 10, ttl: 120, decision: 'automatic', time: 120, loss: false, rpo: 60 },
  { phase: 4, engine: 'postgresql', interval: 10, threshold: 2, ttl: 60, decision: 'manual', time: 900, loss: false, rpo: undefined },
] as const)('the estimate\'s inputs equal the FailoverRunbook\'s (%o)', (s) => {
  const settings = { cloud: 'aws' as const, phase: s.phase, engine: s.engine, intervalSeconds: s.interval, failureThreshold: s.threshold, ttlSeconds: s.ttl, decision: s.decision, decisionTimeSeconds: s.time, allowDataLoss: s.loss, rpoSeconds: s.rpo };
  const mine = awsInputs(settings);
  const { plan } = resolveDecision({ decision: s.decision, decisionTime: Duration.seconds(s.time), allowDataLoss: s.loss, engine: 'stepfunctions', stackRegion: 'us-east-1', hasPrimaryEndpointCheck: true });
  const enforced = s.engine === 'postgresql' && s.rpo !== undefined && s.rpo >= GLOBAL_DB_RPO_MIN_SECONDS ? Math.min(Math.floor(s.rpo), GLOBAL_DB_RPO_MAX_SECONDS) : undefined;
  const theirs = awsRecoveryInputs({
    intervalSeconds: s.interval, failureThreshold: s.threshold, ttlSeconds: s.ttl, trafficShiftSeconds: WRITER_SIGNAL_SHIFT_SECONDS,
    decisionSeconds: plan.failoverDecisionSeconds, decisionLabel: mine.decisionLabel, enforcedRpoSeconds: enforced, postgres: s.engine === 'postgresql',
  });
  expect(mine).toEqual(theirs);
  expect(enforcedRpoSeconds(settings)).toBe(enforced);
});

test.each([
  ['manual', 600, false, 'region-switch'],
  ['manual', 600, true, 'region-switch'],
  ['manual', 0, false, 'stepfunctions'],
  ['automatic', 600, false, 'region-switch'],
  ['automatic', 600, true, 'region-switch'],
  ['automatic', 300, false, 'stepfunctions'],
  ['automatic', 300, true, 'stepfunctions'],
] as const)('the failover decision: %s, %d s, data loss %s, %s — same problems and the same decision stretch as lib/aws', (decision, time, loss, engine) => {
  const { problems, plan } = resolveDecision({ decision, decisionTime: Duration.seconds(time), allowDataLoss: loss || undefined, engine, stackRegion: 'us-east-1', hasPrimaryEndpointCheck: true });
  const names: Record<string, string> = { decision: 'failover.decision', decisionTime: 'failover.decisionTime', automaticFailoverAllowsDataLoss: 'failover.allowDataLoss' };
  const file = withChanges(aws3(), { failover: { decision, decisionTime: `${time}s`, ...(loss ? { allowDataLoss: true } : {}), engine } });
  expect(errorsOf(file).map((e) => e.split(':')[0].replace(/^error /, '')).sort()).toEqual(problems.map((p) => names[p.property]).sort());
  expect(decisionStretch({ decision, decisionTimeSeconds: time, allowDataLoss: loss }).seconds).toBe(plan.failoverDecisionSeconds);
});

test.each([
  [30, 1, false], [30, 1, true], [30, 2, false], [10, 1, false], [undefined, 1, false],
] as const)('the RPO guard: rpo %s s with %d replica region(s), accepted %s — an error exactly when lib/aws refuses', (rpo, replicas, accepted) => {
  const regions = [{ name: 'us-east-1', role: 'primary', endpoint: 'a.example.com' }, { name: 'eu-west-1', role: 'standby', endpoint: 'b.example.com' }, { name: 'eu-central-1', role: 'replica' }].slice(0, 1 + replicas);
  const file = withChanges(aws3(), { regions, objectives: { ...(rpo !== undefined ? { rpo: `${rpo}s` } : {}), rto: '15m', acceptRpoGuardWriteStalls: accepted } });
  const theirs = checkRpoGuard({ enforcedRpoSeconds: rpo !== undefined && rpo >= 20 ? rpo : undefined, primaryRegion: 'us-east-1', replicaRegions: regions.slice(1).map((r) => r.name), accepted });
  expect(errorsOf(file).filter((e) => e.includes('rds.global_db_rpo')).length).toBe(theirs.length);
});

test('the AWS router\'s and replica\'s defaults', () => {
  const t = topo({ phase: 3 });
  const router = new AwsRouter(t.routing, 'Router', {
    zone: t.zone, primary: t.primary, replicas: t.replicas,
    endpoints: [{ region: 'us-east-1', target: RouterTarget.fromHostname('a.example.com') }, { region: 'eu-west-1', target: RouterTarget.fromHostname('b.example.com') }],
  });
  expect([router.intervalSeconds, router.failureThreshold, router.ttlSeconds]).toEqual([AWS_FIGURES.healthCheckIntervalSeconds, AWS_FIGURES.failureThreshold, AWS_FIGURES.ttlSeconds]);
  const hc = (router.healthChecks['us-east-1'].node.defaultChild as CfnHealthCheck).healthCheckConfig as CfnHealthCheck.HealthCheckConfigProperty;
  expect(hc.resourcePath).toBe(AWS_FIGURES.healthCheckPath);
  expect(t.replicas[0].replicationLagThreshold.toSeconds()).toBe(AWS_FIGURES.lagAlarmSeconds);
});

test('the Google Cloud router\'s defaults', () => {
  let router: GcpRouter | undefined;
  Testing.synthScope((scope) => {
    const stack = scope as TerraformStack;
    const primary = new GcpPrimary(stack, 'Db', { project: 'test-project', region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3 });
    router = new GcpRouter(stack, 'Router', { primary, managedZone: 'z', zoneDnsName: 'example.com.', targets: [{ region: 'us-central1', ipAddress: '198.51.100.7' }, { region: 'europe-west1', ipAddress: '198.51.100.8' }] });
  });
  expect(router!.ttl).toBe(GCP_FIGURES.ttlSeconds);
  expect([router!.healthCheck!.checkIntervalSecInput, router!.healthCheck!.unhealthyThresholdInput, router!.healthCheck!.httpsHealthCheckInput?.requestPath])
    .toEqual([GCP_FIGURES.healthCheckIntervalSeconds, GCP_FIGURES.failureThreshold, GCP_FIGURES.healthCheckPath]);
});
