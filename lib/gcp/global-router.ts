import { TerraformStack, Token } from 'cdktf';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { Construct } from 'constructs';
import { checkRegion, ConfigProblem, show, throwIfProblems } from '../core';
import { GCP_PROFILE } from './private/gcp-profile';
import { deterministicName } from './private/names';
import { PrimaryRegion } from './primary-region';
import { dependOnServices, GCP_SERVICES, requireServices } from './private/services';
import { mustSurvive } from './private/state-registry';
import { useGoogleProvider } from './provider';

/** An internal passthrough or application load balancer (private zones). */
export interface InternalLoadBalancerTarget {
  /** Forwarding rule IP address. */
  readonly ipAddress: string;
  /** Port of the forwarding rule, e.g. `'443'`. */
  readonly port: string;
  /** `tcp` or `udp`. @default 'tcp' */
  readonly ipProtocol?: string;
  /** VPC network of the load balancer: `projects/<p>/global/networks/<n>` or the full `https://www.googleapis.com/compute/v1/...` URL (the path is completed to the URL Cloud DNS expects). */
  readonly networkUrl: string;
  /** `regionalL4ilb`, `regionalL7ilb` or `globalL7ilb`. @default 'regionalL4ilb' */
  readonly loadBalancerType?: string;
  /**
   * Name of the load balancer's forwarding rule (or `NAME@REGION`, or its
   * resource path). gcloud names internal load balancers only by forwarding
   * rule, so the manual runbook uses it in `gcloud dns record-sets update`.
   * @default - none: the manual runbook re-points the record through the Cloud DNS REST API instead
   */
  readonly forwardingRule?: string;
}

/** The application endpoint of one region (not a database address). */
export interface RouterTarget {
  /** Region the endpoint serves from; must be a region of the topology. */
  readonly region: string;
  /** Public IP of the region's endpoint (public zones, health-checked by a global health check). */
  readonly ipAddress?: string;
  /** Internal load balancer of the region (private zones, health-checked through the load balancer). */
  readonly internalLoadBalancer?: InternalLoadBalancerTarget;
}

/** The health check of public endpoints. */
export interface RouterHealthCheckOptions {
  /** `HTTP`, `HTTPS` or `TCP` (SSL, HTTP2 and gRPC are not allowed with source regions). @default 'HTTPS' */
  readonly protocol?: 'HTTP' | 'HTTPS' | 'TCP';
  /** Port. @default 443 */
  readonly port?: number;
  /** Request path (HTTP/HTTPS). @default '/healthz' */
  readonly requestPath?: string;
  /** Seconds between checks; at least 30 with source regions. @default 30 */
  readonly checkIntervalSec?: number;
  /** Seconds to wait for an answer; at most `checkIntervalSec`. @default 10 */
  readonly timeoutSec?: number;
  /** Failed checks before unhealthy. @default 2 */
  readonly unhealthyThreshold?: number;
  /** Exactly three regions the checks are sent from. @default ['us-central1', 'europe-west1', 'asia-southeast1'] */
  readonly sourceRegions?: readonly string[];
}

/** Properties of {@link GlobalRouter}. */
export interface GlobalRouterProps {
  /** The primary; its topology says which regions exist and which one takes writes. */
  readonly primary: PrimaryRegion;
  /** Name of the existing Cloud DNS managed zone (public for IP targets, private for load balancers). */
  readonly managedZone: string;
  /** DNS name of the zone, with the trailing dot, e.g. `example.com.`. */
  readonly zoneDnsName: string;
  /** Application endpoints, one per region. */
  readonly targets: readonly RouterTarget[];
  /** Read hostname. @default `read.<zone>` */
  readonly readHostname?: string;
  /** Write hostname. @default `write.<zone>` */
  readonly writeHostname?: string;
  /**
   * Publish the read record (geo routing to the nearest healthy region).
   * @default true from phase 4 (reads from several regions), false before
   */
  readonly routeReads?: boolean;
  /** TTL of both records, seconds. @default 30 */
  readonly ttl?: number;
  /** Share of write traffic sent to the backup while the primary is healthy (0–1). @default 0 */
  readonly trickleRatio?: number;
  /** Health check of public endpoints (ignored for internal load balancers). @default see {@link RouterHealthCheckOptions} */
  readonly healthCheck?: RouterHealthCheckOptions;
  /**
   * Leave the write record's routing policy to the failover workflow after
   * creation (`lifecycle.ignore_changes = [routing_policy]`): the workflow
   * makes another region primary at run time, and an apply of this stack
   * before the configuration is swapped would otherwise send writes back to
   * the lost region. To push a change of targets, first make the
   * configuration describe the current write region, then set false for one
   * apply (docs/gcp/phase-3.md, "Day two").
   * @default true
   */
  readonly ignoreWriteRoutingChanges?: boolean;
}

/** Default source regions of the Cloud DNS health check (three continents). */
export const DEFAULT_HEALTH_CHECK_SOURCE_REGIONS: readonly string[] = ['us-central1', 'europe-west1', 'asia-southeast1'];

/**
 * One entry point on Cloud DNS routing policies:
 *
 * - the write hostname uses a failover (primary-backup) policy: the primary
 *   region's endpoint, with the other regions as geo-routed backups;
 * - the read hostname (phase 4 on) uses a geolocation policy: the nearest
 *   healthy region.
 *
 * Public endpoints are health-checked by a global health check with exactly
 * three source regions (interval ≥ 30 s); internal load balancers by their
 * own backends. One kind per router. Targets are application endpoints; the
 * database write path inside the VPC is {@link PrimaryRegion.writeEndpoint}
 * (the Enterprise Plus write endpoint where available).
 */
export class GlobalRouter extends Construct {
  /** Write record set (primary-backup policy). */
  public readonly writeRecord: DnsRecordSet;
  /** Read record set (geo policy), when reads are routed. */
  public readonly readRecord?: DnsRecordSet;
  /** Global health check of public endpoints; undefined for internal load balancers. */
  public readonly healthCheck?: ComputeHealthCheck;
  /** Fully-qualified write hostname. */
  public readonly writeHostname: string;
  /** Fully-qualified read hostname. */
  public readonly readHostname: string;
  /** Managed zone name. */
  public readonly managedZone: string;
  /** Project. */
  public readonly project: string;
  /** Targets, as given. */
  public readonly targets: readonly RouterTarget[];
  /** TTL of the records. */
  public readonly ttl: number;
  /** Record type (`A`). */
  public readonly recordType = 'A';
  /** Health check self link (a Terraform reference), or undefined. */
  public readonly healthCheckId?: string;
  /** Name of the health check of public endpoints (a plain string, for gcloud), or undefined. */
  public readonly healthCheckName?: string;
  /** Share of write traffic sent to the backups while the primary is healthy. */
  public readonly trickleRatio: number;
  /** Regions of the topology, primary first (the order of the backups in the write policy). */
  private readonly regionOrder: readonly string[];
  /** The database write endpoint applications in the VPC should prefer (see {@link PrimaryRegion.writeEndpoint}); set when router and primary share a stack. */
  public readonly databaseWriteEndpoint?: string;

  constructor(scope: Construct, id: string, props: GlobalRouterProps) {
    super(scope, id);
    const source = { construct: 'GlobalRouter', path: this.node.path };
    const topology = props.primary.topology;
    const regions = [topology.primaryRegion, ...topology.replicaRegions];
    const zone = props.zoneDnsName;
    const ttl = props.ttl ?? 30;
    const hc = props.healthCheck ?? {};
    const interval = hc.checkIntervalSec ?? 30;
    const sourceRegions = hc.sourceRegions ?? DEFAULT_HEALTH_CHECK_SOURCE_REGIONS;
    const trickle = props.trickleRatio ?? 0;

    const problems: ConfigProblem[] = [];
    if (!zone.endsWith('.')) {
      problems.push({ property: 'zoneDnsName', message: `zoneDnsName ${show(zone)} has no trailing dot`, fix: `set zoneDnsName to '${zone}.'` });
    }
    if (props.targets.length === 0) {
      problems.push({ property: 'targets', message: 'targets is empty', fix: 'give one application endpoint per region' });
    }
    const seen = new Set<string>();
    props.targets.forEach((t, i) => {
      const property = `targets[${i}].region`;
      const regionProblems = checkRegion(GCP_PROFILE, property, t.region);
      problems.push(...regionProblems);
      if (regionProblems.length === 0 && !regions.includes(t.region)) {
        problems.push({
          property,
          message: `${property} ${show(t.region)} is outside the topology (regions: ${regions.join(', ')})`,
          fix: `route only to regions that hold the database: add '${t.region}' to the primary's replicaRegions, or remove the target`,
        });
      }
      if (seen.has(t.region)) {
        problems.push({ property, message: `${property} ${show(t.region)} is listed twice`, fix: 'give one target per region' });
      }
      seen.add(t.region);
      if ((t.ipAddress === undefined) === (t.internalLoadBalancer === undefined)) {
        problems.push({
          property: `targets[${i}]`,
          message: `targets[${i}] must have exactly one of ipAddress and internalLoadBalancer`,
          fix: 'set ipAddress for a public endpoint or internalLoadBalancer for a private one',
        });
      }
    });
    const kinds = new Set(props.targets.map((t) => (t.internalLoadBalancer ? 'internal' : 'external')));
    if (kinds.size > 1) {
      problems.push({
        property: 'targets',
        message: 'targets mix public IP endpoints and internal load balancers, but a Cloud DNS routing policy health-checks one kind',
        fix: 'use public endpoints in a public zone, or internal load balancers in a private zone, not both',
      });
    }
    if (props.targets.length > 0 && !props.targets.some((t) => t.region === topology.primaryRegion)) {
      problems.push({
        property: 'targets',
        message: `targets has no endpoint in the primary region ${show(topology.primaryRegion)}, so writes have nowhere to go`,
        fix: `add a target with region '${topology.primaryRegion}'`,
      });
    }
    if (props.targets.length < 2) {
      problems.push({
        property: 'targets',
        message: `targets has ${props.targets.length} endpoint(s); a failover policy needs a primary and at least one backup region`,
        fix: 'add an endpoint in a replica region',
      });
    }
    if (!kinds.has('internal')) {
      if (sourceRegions.length !== 3) {
        problems.push({
          property: 'healthCheck.sourceRegions',
          message: `healthCheck.sourceRegions ${show(sourceRegions)} has ${sourceRegions.length} regions, but a Cloud DNS health check needs exactly 3`,
          fix: "list exactly three regions, e.g. ['us-central1', 'europe-west1', 'asia-southeast1']",
        });
      }
      sourceRegions.forEach((r, i) => problems.push(...checkRegion(GCP_PROFILE, `healthCheck.sourceRegions[${i}]`, r)));
      if (!Number.isInteger(interval) || interval < 30) {
        problems.push({
          property: 'healthCheck.checkIntervalSec',
          message: `healthCheck.checkIntervalSec ${show(interval)} is below the 30 s minimum of health checks with source regions`,
          fix: 'set healthCheck.checkIntervalSec to 30 or more',
        });
      }
    }
    const timeout = hc.timeoutSec ?? 10;
    if (!kinds.has('internal') && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= interval)) {
      // "It is invalid for timeoutSec to have greater value than checkIntervalSec."
      // https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks
      problems.push({
        property: 'healthCheck.timeoutSec',
        message: `healthCheck.timeoutSec ${show(timeout)} is not a whole number of seconds between 1 and checkIntervalSec (${interval})`,
        fix: `set healthCheck.timeoutSec to ${Math.min(10, interval)} or another value up to ${interval}`,
      });
    }
    props.targets.forEach((t, i) => {
      const values = [t.ipAddress, t.internalLoadBalancer?.ipAddress, t.internalLoadBalancer?.networkUrl, t.internalLoadBalancer?.port, t.internalLoadBalancer?.forwardingRule];
      if (values.some((v) => v !== undefined && Token.isUnresolved(v))) {
        problems.push({
          property: `targets[${i}]`,
          message: `targets[${i}] has a Terraform reference; the failover workflow and runbook need plain addresses (and the runbook lives in another state)`,
          fix: 'pass the literal IP address, port and network of the endpoint',
        });
      }
    });
    if (!(trickle >= 0 && trickle <= 1)) {
      problems.push({ property: 'trickleRatio', message: `trickleRatio ${show(trickle)} is not between 0 and 1`, fix: 'set trickleRatio to 0 (default) or a fraction up to 1' });
    }
    if (!Number.isInteger(ttl) || ttl < 0) {
      problems.push({ property: 'ttl', message: `ttl ${show(ttl)} is not a whole number of seconds`, fix: 'set ttl to e.g. 30' });
    }
    throwIfProblems(source, problems);

    const primary = props.primary;
    this.project = primary.project;
    this.managedZone = props.managedZone;
    this.targets = [...props.targets];
    this.regionOrder = regions;
    this.ttl = ttl;
    this.trickleRatio = trickle;
    this.writeHostname = props.writeHostname ?? `write.${zone}`;
    this.readHostname = props.readHostname ?? `read.${zone}`;
    useGoogleProvider(this, { project: primary.project, region: primary.region });
    if (primary.stack === TerraformStack.of(this)) this.databaseWriteEndpoint = primary.writeEndpoint;

    const internal = kinds.has('internal');
    if (!internal) {
      this.healthCheckName = deterministicName(this, 'mrc-hc', 63);
      this.healthCheck = new ComputeHealthCheck(this, 'HealthCheck', {
        name: this.healthCheckName,
        project: primary.project,
        description: `Cloud DNS health check of ${this.writeHostname} and ${this.readHostname}`,
        checkIntervalSec: interval,
        timeoutSec: timeout,
        healthyThreshold: 2,
        unhealthyThreshold: hc.unhealthyThreshold ?? 2,
        sourceRegions: [...sourceRegions],
        ...healthCheckBlock(hc),
      });
      this.healthCheckId = this.healthCheck.id;
    }

    const ordered = [...props.targets].sort((a, b) => regions.indexOf(a.region) - regions.indexOf(b.region));
    const primaryTarget = ordered.find((t) => t.region === topology.primaryRegion)!;
    const backups = ordered.filter((t) => t !== primaryTarget);

    this.writeRecord = new DnsRecordSet(this, 'WriteRecord', {
      project: primary.project,
      managedZone: props.managedZone,
      name: this.writeHostname,
      type: this.recordType,
      ttl,
      // The runtime (workflow, manual runbook) owns which region is primary.
      lifecycle: (props.ignoreWriteRoutingChanges ?? true) ? { ignoreChanges: ['routing_policy'] } : undefined,
      routingPolicy: {
        healthCheck: this.healthCheckId,
        primaryBackup: {
          trickleRatio: trickle,
          primary: healthChecked(primaryTarget, primary.project),
          backupGeo: backups.map((t) => ({ location: t.region, healthCheckedTargets: healthChecked(t, primary.project) })),
        },
      },
    });

    if (props.routeReads ?? topology.phase >= 4) {
      this.readRecord = new DnsRecordSet(this, 'ReadRecord', {
        project: primary.project,
        managedZone: props.managedZone,
        name: this.readHostname,
        type: this.recordType,
        ttl,
        routingPolicy: {
          healthCheck: this.healthCheckId,
          // Role-independent order (by region name): a role swap changes nothing here.
          geo: [...props.targets].sort((a, b) => a.region.localeCompare(b.region)).map((t) => ({ location: t.region, healthCheckedTargets: healthChecked(t, primary.project) })),
        },
      });
    }
    dependOnServices(this, requireServices(this, primary.project, [GCP_SERVICES.dns, ...(internal ? [] : [GCP_SERVICES.compute])]));
    mustSurvive(this, primary.region, 'required', `the router '${this.node.path}' moves writes away from ${primary.region} when it is lost`);
  }

  /**
   * The write record's routing policy with `region` as primary, in the Cloud
   * DNS API's JSON form (used by the failover workflow).
   */
  public writePolicyFor(region: string): Record<string, unknown> {
    const target = this.targets.find((t) => t.region === region);
    if (!target) {
      throw new Error(`GlobalRouter '${this.node.path}': region '${region}' has no target; add a target for it`);
    }
    // Backups in topology order, like the Terraform record: after a role swap
    // that keeps the other regions' order, config and runtime policy match.
    const backups = this.targets.filter((t) => t !== target).sort((a, b) => this.regionOrder.indexOf(a.region) - this.regionOrder.indexOf(b.region));
    return {
      primaryBackup: {
        primaryTargets: healthChecked(target, this.project),
        backupGeoTargets: { items: backups.map((t) => ({ location: t.region, healthCheckedTargets: healthChecked(t, this.project) })) },
        // Keep the trickle ratio Terraform set, so a failover changes only the roles.
        trickleTraffic: this.trickleRatio,
      },
    };
  }

  /** The address of `region`'s target, and whether it is a public endpoint or an internal load balancer. */
  public targetAddress(region: string): { kind: 'external' | 'internal'; address: string } {
    const target = this.targets.find((t) => t.region === region);
    if (!target) {
      throw new Error(`GlobalRouter '${this.node.path}': region '${region}' has no target; add a target for it`);
    }
    return target.internalLoadBalancer
      ? { kind: 'internal', address: target.internalLoadBalancer.ipAddress }
      : { kind: 'external', address: target.ipAddress! };
  }
}

/**
 * Cloud DNS wants the network of a load balancer target as a full URL:
 * "This should be formatted like
 * `https://www.googleapis.com/compute/v1/projects/{project}/global/networks/{network}`"
 * (provider 6.50.0 dns_record_set `network_url`; Cloud DNS API
 * RRSetRoutingPolicyLoadBalancerTarget.networkUrl). `projects/...` paths are
 * completed; anything else is passed through.
 */
export function fullNetworkUrl(network: string): string {
  return /^projects\//.test(network) ? `https://www.googleapis.com/compute/v1/${network}` : network;
}

function healthCheckBlock(hc: RouterHealthCheckOptions) {
  const port = hc.port ?? 443;
  const protocol = hc.protocol ?? 'HTTPS';
  const requestPath = hc.requestPath ?? '/healthz';
  if (protocol === 'TCP') return { tcpHealthCheck: { port } };
  if (protocol === 'HTTP') return { httpHealthCheck: { port, requestPath } };
  return { httpsHealthCheck: { port, requestPath } };
}

function ilb(t: RouterTarget, project: string) {
  const lb = t.internalLoadBalancer!;
  return {
    ipAddress: lb.ipAddress,
    port: lb.port,
    ipProtocol: lb.ipProtocol ?? 'tcp',
    networkUrl: fullNetworkUrl(lb.networkUrl),
    loadBalancerType: lb.loadBalancerType ?? 'regionalL4ilb',
    project,
    region: t.region,
  };
}

function healthChecked(t: RouterTarget, project: string) {
  return t.internalLoadBalancer ? { internalLoadBalancers: [ilb(t, project)] } : { externalEndpoints: [t.ipAddress!] };
}

