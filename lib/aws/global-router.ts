import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { LADDER, throwIfProblems } from '../core';
import { GraphqlEdgeRouter, GraphqlEdgeRouterProps } from './graphql-edge-router';
import { AURORA_TYPICAL_LAG_SECONDS } from './private/aws-recovery';
import { checkRouter } from './private/router-checks';
import { createReadRouteChecks, readStalenessBoundSeconds } from './private/read-route';
import { regionSwitchCheckId } from './private/region-switch-plan';
import { markPhaseComponent } from './private/phase-checks';
import { regionDatabases } from './private/region-databases';
import { createWriteRouteChecks } from './private/write-route';
import { WRITER_SIGNAL_SHIFT_SECONDS, writerAlarmName } from './private/writer-signal';
import { PrimaryRegion } from './primary-region';
import { ReadReplicaRegion } from './read-replica-region';
import { RegionEndpoint, RouterHealthCheckOptions, RouterTarget } from './router-target';

/** Properties of {@link GlobalRouter}. */
export interface GlobalRouterProps {
  /**
   * The hosted zone: `HostedZone.fromHostedZoneAttributes(...)` for an
   * existing one (no lookup), or a new `PublicHostedZone`.
   */
  readonly zone: route53.IHostedZone;
  /** The primary region's database (only plain values are read from it). */
  readonly primary: PrimaryRegion;
  /**
   * The replica regions' databases.
   * @default []
   */
  readonly replicas?: readonly ReadReplicaRegion[];
  /** The application endpoint in each region that takes traffic. */
  readonly endpoints: readonly RegionEndpoint[];
  /**
   * Write hostname, relative to the zone.
   * @default 'write'
   */
  readonly writeRecordName?: string;
  /**
   * Read hostname, relative to the zone.
   * @default 'read'
   */
  readonly readRecordName?: string;
  /**
   * Create the write route (failover records).
   * @default true
   */
  readonly writeRoute?: boolean;
  /**
   * Create the read route (latency records).
   * @default true when the phase serves reads from replicas (phase 4 and up)
   */
  readonly readRoute?: boolean;
  /**
   * Regions in the read route. Each must serve reads (a headless secondary cannot).
   * @default every region with reader capacity
   */
  readonly readRegions?: readonly string[];
  /**
   * Replication lag above which a secondary drops out of the read route
   * until it catches up: every read record needs its endpoint check AND a
   * check on an `AuroraGlobalDBReplicationLag` alarm in its region (2 of 2
   * one-minute maxima above this) — the writer's too, which publishes no lag
   * (its alarm stays OK) until a switchover or failover makes it a
   * secondary. See {@link readStalenessBoundSeconds}.
   * @default each region's `replicationLagAlarmThreshold` (30 s)
   */
  readonly readLagThreshold?: Duration;
  /**
   * The region the write route fails over to (the SECONDARY record). Its
   * secondary must have instances: Aurora cannot switch over to a headless one.
   * @default the first replica region with instances
   */
  readonly standbyRegion?: string;
  /**
   * Health checks.
   * @default HTTPS every 10 s, 3 failures, latency measured, all checker regions, '/health'
   */
  readonly healthCheck?: RouterHealthCheckOptions;
  /**
   * TTL of CNAME records. AWS recommends 60 s or less with health checks;
   * alias records have no TTL.
   * @default Duration.seconds(60)
   */
  readonly recordTtl?: Duration;
  /**
   * A CloudWatch alarm on each health check's status. Route 53 publishes
   * health-check metrics in us-east-1 only, so the router's stack must be in
   * us-east-1 to have them.
   * @default true
   */
  readonly healthCheckAlarms?: boolean;
  /**
   * Health checks created by an ARC Region switch plan's Route 53 health check
   * execution block, by region (`aws arc-region-switch list-route53-health-checks`).
   * Not needed when the plan is a {@link FailoverRunbook}'s in this router's
   * region: the runbook attaches the primary region's check in the same
   * deploy, read from the plan's `PlanHealthChecks` attribute. Given ids take
   * precedence (a deployment that passed them keeps its template), and are
   * the way when the plan is in another region. The PRIMARY write record then
   * also requires the primary region's Region switch health check: executing
   * the plan to activate the standby moves writes even when the database
   * stays. The standby region's check is accepted but not attached: an
   * active/passive plan keeps it unhealthy while the primary is active, and
   * on the SECONDARY record it would leave no healthy record during an
   * application outage in the primary region (Route 53 then answers the
   * PRIMARY). See docs/aws/phase-3.md (event → what DNS answers).
   * @default - the FailoverRunbook's plan's check, when the runbook is in this router's region
   */
  readonly regionSwitchHealthCheckIds?: Readonly<Record<string, string>>;
  /**
   * One GraphQL entry point at the edge in front of the two routes: queries
   * to the read hostname, mutations (and anything not provably a read) to the
   * write hostname, decided by a Lambda@Edge function. Needs both routes and a
   * us-east-1 stack. See {@link GraphqlEdgeRouter}.
   * @default - no edge router
   */
  readonly graphql?: GlobalRouterGraphqlOptions;
}

/** The GraphQL edge entry point of a {@link GlobalRouter}. */
export interface GlobalRouterGraphqlOptions extends Omit<GraphqlEdgeRouterProps, 'writeHost' | 'readHost' | 'partitioning' | 'hostedZone' | 'domainName' | 'readYourWritesWindow'> {
  /**
   * The hostname clients use.
   * @default `api.<zone name>`
   */
  readonly domainName?: string;
  /**
   * Read-your-own-writes window.
   * @default the topology's replication-lag bound: the declared RPO, or Aurora's typical lag (5 s) when none is declared
   */
  readonly readYourWritesWindow?: Duration;
}

/**
 * One entry point: `write.<zone>` to the region that holds the Aurora writer
 * (failover records), `read.<zone>` to the nearest healthy region with readers
 * (latency records).
 *
 * Static stability: no failover edits a record. The PRIMARY write record
 * carries a calculated health check that needs the primary region's HTTPS
 * endpoint check, the primary's writer-role alarm OK and the standby's
 * writer-role alarm not OK (inverted check); the SECONDARY carries the
 * standby's endpoint check. So writes follow the database through switchover
 * or failover, whatever started it, using only Route 53's data plane and
 * CloudWatch in the regions concerned.
 */
export class GlobalRouter extends Construct {
  /** The hosted zone. */
  public readonly zone: route53.IHostedZone;
  /** Fully qualified write hostname, or undefined without a write route. */
  public readonly writeHostname?: string;
  /** Fully qualified read hostname, or undefined without a read route. */
  public readonly readHostname?: string;
  /** Record name of the write route as the zone holds it (for ARC). */
  public readonly writeRecordName: string;
  /** The write route's primary region. */
  public readonly primaryRegion: string;
  /** The write route's SECONDARY region. */
  public readonly standbyRegion?: string;
  /** Regions in the read route. */
  public readonly readRegions: readonly string[];
  /** Endpoint health check per region. */
  public readonly healthChecks: Readonly<Record<string, route53.IHealthCheck>>;
  /** The application endpoint's hostname per region (what the health check calls). */
  public readonly endpointHostnames: Readonly<Record<string, string>>;
  /** Writer-role health check (not inverted) per region of the write route. */
  public readonly writerHealthChecks: Readonly<Record<string, route53.IHealthCheck>>;
  /** Health check of each write record, per region. */
  public readonly writeRecordHealthChecks: Readonly<Record<string, route53.IHealthCheck>>;
  /** The write records (PRIMARY and SECONDARY), per region. */
  public readonly writeRecords: Readonly<Record<string, route53.RecordSet>>;
  /** Set identifier of each write record, per region (contains the region name, as ARC expects). */
  public readonly writeSetIdentifiers: Readonly<Record<string, string>>;
  /** Alarms on health-check status, per region (us-east-1 stacks only). */
  public readonly healthCheckAlarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** Check interval, seconds. */
  public readonly intervalSeconds: number;
  /** Failure threshold. */
  public readonly failureThreshold: number;
  /** TTL clients cache the answer for, seconds (60 for alias targets). */
  public readonly ttlSeconds: number;
  /**
   * The staleness the read route bounds, seconds, while the secondaries
   * publish their lag: the lag threshold, plus the read-lag alarm's two
   * periods, Route 53 acting on it and the TTL. Undefined without secondaries
   * in the read route.
   */
  public readonly readStalenessBoundSeconds?: number;
  /** The GraphQL edge entry point, when `graphql` is set. */
  public readonly graphql?: GraphqlEdgeRouter;
  /** Time for the write route to follow a new writer, seconds: the writer alarms' flip time plus Route 53 acting on it. */
  public readonly trafficShiftSeconds = WRITER_SIGNAL_SHIFT_SECONDS;
  private primaryWriteCheck?: { readonly check: route53.HealthCheck; readonly children: route53.IHealthCheck[] };
  private regionSwitchIdsGiven = false;
  private _regionSwitchChecksAttached = false;

  constructor(scope: Construct, id: string, props: GlobalRouterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const source = { construct: 'GlobalRouter', path: this.node.path };
    const primary = props.primary;
    const replicas = props.replicas ?? [];
    const hc = props.healthCheck ?? {};
    this.intervalSeconds = (hc.interval ?? Duration.seconds(10)).toSeconds();
    this.failureThreshold = hc.failureThreshold ?? 3;
    const defaultPath = hc.path ?? '/health';
    const ttl = props.recordTtl ?? Duration.seconds(60);
    const writeRoute = props.writeRoute ?? true;
    const readRoute = props.readRoute ?? LADDER[primary.topology.phase].servesReadsFromReplicas;
    const alarms = props.healthCheckAlarms ?? true;
    const endpointsByRegion = new Map(props.endpoints.map((e) => [e.region, e]));
    const ttlSeconds = ttl.toSeconds();
    const { problems, standby, readRegions } = checkRouter({
      props, stack, intervalSeconds: this.intervalSeconds, failureThreshold: this.failureThreshold,
      defaultPath, ttlSeconds, writeRoute, readRoute, alarms,
    });
    throwIfProblems(source, problems);

    this.zone = props.zone;
    this.primaryRegion = primary.region;
    markPhaseComponent(this, { kind: 'router', primary, readRegions });
    this.standbyRegion = standby;
    this.readRegions = readRegions;
    const anyAlias = props.endpoints.some((e) => e.target.alias);
    this.ttlSeconds = anyAlias ? Math.max(60, ttlSeconds) : ttlSeconds;

    // One HTTPS check per region with an endpoint.
    const healthChecks: Record<string, route53.IHealthCheck> = {};
    const alarmsByRegion: Record<string, cloudwatch.Alarm> = {};
    for (const e of props.endpoints) {
      const check = new route53.HealthCheck(this, `HealthCheck-${e.region}`, {
        type: route53.HealthCheckType.HTTPS,
        fqdn: e.target.healthCheckHostname,
        port: 443,
        resourcePath: e.healthCheckPath ?? defaultPath,
        requestInterval: Duration.seconds(this.intervalSeconds),
        failureThreshold: this.failureThreshold,
        measureLatency: true,
        enableSNI: true,
        regions: hc.regions ? [...hc.regions] : undefined,
      });
      healthChecks[e.region] = check;
      if (alarms) {
        alarmsByRegion[e.region] = new cloudwatch.Metric({
          namespace: 'AWS/Route53',
          metricName: 'HealthCheckStatus',
          dimensionsMap: { HealthCheckId: check.healthCheckId },
          statistic: cloudwatch.Stats.MINIMUM,
          period: Duration.minutes(1),
          region: 'us-east-1',
        }).createAlarm(this, `HealthCheckAlarm-${e.region}`, {
          alarmDescription: `The application endpoint in ${e.region} (${e.target.healthCheckHostname}) fails its Route 53 health check`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        });
      }
    }
    this.healthChecks = healthChecks;
    this.healthCheckAlarms = alarmsByRegion;
    this.endpointHostnames = Object.fromEntries(props.endpoints.map((e) => [e.region, e.target.healthCheckHostname]));

    const writerChecks: Record<string, route53.IHealthCheck> = {};
    const writeChecks: Record<string, route53.IHealthCheck> = {};
    const setIds: Record<string, string> = {};
    const writeRecords: Record<string, route53.RecordSet> = {};
    const writeName = props.writeRecordName ?? 'write';
    const readName = props.readRecordName ?? 'read';
    this.writeRecordName = `${writeName}.${props.zone.zoneName}`;
    if (writeRoute && standby) {
      const { writerChecks: writers, recordChecks, primaryChildren, primaryCheck } = createWriteRouteChecks({
        router: this,
        source,
        primaryRegion: primary.region,
        standbyRegion: standby,
        dbScopes: new Map<string, Construct>([[primary.region, primary], ...replicas.map((r) => [r.region, r] as [string, Construct])]),
        clusterIdentifierIn: (region) => primary.clusterIdentifierIn(region),
        endpointChecks: healthChecks,
        regionSwitchHealthCheckIds: props.regionSwitchHealthCheckIds,
      });
      Object.assign(writerChecks, writers);
      this.primaryWriteCheck = { check: primaryCheck, children: primaryChildren };
      this.regionSwitchIdsGiven = props.regionSwitchHealthCheckIds !== undefined;
      this._regionSwitchChecksAttached = props.regionSwitchHealthCheckIds?.[primary.region] !== undefined;
      for (const [role, region] of [['PRIMARY', primary.region], ['SECONDARY', standby]] as const) {
        writeChecks[region] = recordChecks[region];
        setIds[region] = `write-${region}`;
        writeRecords[region] = this.record(`Write${role === 'PRIMARY' ? 'Primary' : 'Secondary'}`, writeName, endpointsByRegion.get(region)!.target, ttl, {
          failover: role === 'PRIMARY' ? route53.Failover.PRIMARY : route53.Failover.SECONDARY,
          setIdentifier: setIds[region],
          healthCheck: recordChecks[region],
        });
      }
      this.writeHostname = this.writeRecordName;
    }
    this.writerHealthChecks = writerChecks;
    this.writeRecordHealthChecks = writeChecks;
    this.writeSetIdentifiers = setIds;
    this.writeRecords = writeRecords;

    if (readRoute) {
      // Every read region, the writer's too: after a switchover or failover it is a secondary.
      const readDbs = regionDatabases(primary, replicas).filter((d) => readRegions.includes(d.region));
      const thresholds = Object.fromEntries(readDbs.map((d) => [d.region, props.readLagThreshold ?? d.replicationLagThreshold]));
      const readChecks = createReadRouteChecks({ router: this, source, regions: readDbs, thresholds, endpointChecks: healthChecks });
      for (const region of readRegions) {
        this.record(`Read-${region}`, readName, endpointsByRegion.get(region)!.target, ttl, {
          region,
          setIdentifier: `read-${region}`,
          healthCheck: readChecks[region] ?? healthChecks[region],
        });
      }
      if (readDbs.length > 0) {
        this.readStalenessBoundSeconds = Math.max(...Object.values(thresholds).map((t) => readStalenessBoundSeconds(t.toSeconds(), this.ttlSeconds)));
      }
      if (readRegions.length > 0) this.readHostname = `${readName}.${props.zone.zoneName}`;
    }

    if (props.graphql) {
      if (!this.writeHostname || !this.readHostname) {
        throwIfProblems(source, [{
          property: 'graphql',
          message: `graphql needs both a write route and a read route, but ${!this.writeHostname ? 'writeRoute is off (or there is no standby)' : 'there is no read route (readRoute off, or no region serves reads)'}`,
          fix: 'enable both routes (phase 4: readRoute defaults to true) or remove graphql',
        }]);
      }
      const { domainName, readYourWritesWindow, ...rest } = props.graphql;
      const rpo = primary.topology.recoveryObjectives?.rpoSeconds;
      this.graphql = new GraphqlEdgeRouter(this, 'Graphql', {
        ...rest,
        writeHost: this.writeHostname!,
        readHost: this.readHostname!,
        hostedZone: props.zone,
        domainName: domainName ?? `api.${props.zone.zoneName}`,
        readYourWritesWindow: readYourWritesWindow ?? Duration.seconds(Math.max(AURORA_TYPICAL_LAG_SECONDS, rpo ?? 0)),
      });
    }
  }

  /**
   * The hostnames clients (and the GraphQL edge router's origin requests)
   * send to `region`'s endpoint, as TLS SNI and HTTP Host: `write.<zone>`
   * in the primary and standby regions, `read.<zone>` in every read region.
   * The endpoint must present a certificate covering each and accept each as
   * Host — e.g. an API Gateway Regional custom domain name per hostname,
   * mapped to the API, in every region (without one API Gateway answers
   * 403), or the names on the load balancer's HTTPS listener certificates.
   * The health check calls the endpoint's own hostname (with SNI) instead.
   */
  public hostnamesServedBy(region: string): string[] {
    const names: string[] = [];
    if (this.writeHostname && (region === this.primaryRegion || region === this.standbyRegion)) names.push(this.writeHostname);
    if (this.readHostname && this.readRegions.includes(region)) names.push(this.readHostname);
    return names;
  }

  /**
   * Whether the PRIMARY write record also needs the primary region's ARC
   * Region switch health check, so that executing the plan moves writes even
   * when the database stays where it is.
   */
  public get regionSwitchChecksAttached(): boolean {
    return this._regionSwitchChecksAttached;
  }

  /**
   * Makes the PRIMARY write record also need the health check that `plan`'s
   * Route 53 block created for `region` (the primary region), read from the
   * plan's `PlanHealthChecks` attribute in the same deploy. Called by
   * {@link FailoverRunbook}; does nothing, and returns false, when the ids
   * were given in `regionSwitchHealthCheckIds` (they take precedence), when
   * there is no write route, or when the plan is in another region than this
   * router (a CloudFormation attribute cannot cross regions).
   */
  public attachRegionSwitchPlan(plan: arc.CfnPlan, region: string): boolean {
    const primary = this.primaryWriteCheck;
    if (!primary || this.regionSwitchIdsGiven || region !== this.primaryRegion) return false;
    const here = Stack.of(this);
    const there = Stack.of(plan);
    if (here !== there && (here.region !== there.region || here.account !== there.account)) {
      Annotations.of(this).addWarningV2('multiregion-constructs:region-switch-checks-cross-region', `The Region switch plan is in ${there.region}, this router in ${here.region}: `
        + 'its health check ids cannot reach this stack in the same deploy. Next deploy: pass them as regionSwitchHealthCheckIds (aws arc-region-switch list-route53-health-checks), or put the FailoverRunbook in the router\'s stack.');
      return false;
    }
    const check = route53.HealthCheck.fromHealthCheckId(this, `RegionSwitchHealthCheck-${region}`, regionSwitchCheckId(plan, region));
    primary.children.push(check);
    const cfn = primary.check.node.defaultChild as route53.CfnHealthCheck;
    cfn.addPropertyOverride('HealthCheckConfig.ChildHealthChecks', primary.children.map((c) => c.healthCheckId));
    cfn.addPropertyOverride('HealthCheckConfig.HealthThreshold', primary.children.length);
    this._regionSwitchChecksAttached = true;
    return true;
  }

  /** Every region's writer alarm name (deterministic), for dashboards and runbooks. */
  public static writerAlarmName(clusterIdentifier: string): string {
    return writerAlarmName(clusterIdentifier);
  }

  private record(id: string, name: string, target: RouterTarget, ttl: Duration, routing: {
    failover?: route53.Failover; region?: string; setIdentifier: string; healthCheck: route53.IHealthCheck;
  }): route53.RecordSet {
    if (target.alias) {
      // Route 53 requires EvaluateTargetHealth on failover aliases; it is
      // evaluated together with the record's health check.
      const inner = target.alias;
      const alias: route53.IAliasRecordTarget = { bind: (record, zone) => ({ ...inner.bind(record, zone), evaluateTargetHealth: true }) };
      return new route53.ARecord(this, id, { zone: this.zone, recordName: name, target: route53.RecordTarget.fromAlias(alias), ...routing });
    }
    return new route53.CnameRecord(this, id, { zone: this.zone, recordName: name, domainName: target.healthCheckHostname, ttl, ...routing });
  }
}
