import { TerraformStack } from 'cdktf';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { DnsRecordSet } from '@cdktf/provider-google/lib/dns-record-set';
import { Construct } from 'constructs';
import { ConfigProblem, throwIfProblems } from '../core';
import { deterministicName } from './private/names';
import { registerRouter } from './private/phase-checks';
import { DEFAULT_HEALTH_CHECK_SOURCE_REGIONS, resolveRouterProps, routerProblems } from './private/router-rules';
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

/**
 * Where a region's application endpoint is (not a database address). The
 * AWS construct has `RouterTarget.fromHostname` / `fromAlias`; Cloud DNS
 * routing policies health-check IP addresses or internal load balancers.
 */
export class RouterTarget {
  /** A public IP address (public zone; health-checked by a global health check). */
  public static fromIpAddress(ipAddress: string): RouterTarget {
    return new RouterTarget({ ipAddress });
  }

  /** An internal load balancer (private zone; health-checked through its own backends). */
  public static fromInternalLoadBalancer(loadBalancer: InternalLoadBalancerTarget): RouterTarget {
    return new RouterTarget({ internalLoadBalancer: loadBalancer });
  }

  /**
   * Region of the endpoint, in the deprecated `targets` form only.
   * @deprecated give the region in {@link RegionEndpoint.region}
   */
  public readonly region?: string;
  /** Public IP of the region's endpoint. */
  public readonly ipAddress?: string;
  /** Internal load balancer of the region. */
  public readonly internalLoadBalancer?: InternalLoadBalancerTarget;

  /**
   * Prefer {@link RouterTarget.fromIpAddress} and {@link RouterTarget.fromInternalLoadBalancer}.
   * The object form `{ region, ipAddress }` is an element of the deprecated `targets`.
   */
  public constructor(o: { readonly region?: string; readonly ipAddress?: string; readonly internalLoadBalancer?: InternalLoadBalancerTarget }) {
    this.region = o.region;
    this.ipAddress = o.ipAddress;
    this.internalLoadBalancer = o.internalLoadBalancer;
  }
}

/** The application endpoint of one region (AWS: `RegionEndpoint` too). */
export interface RegionEndpoint {
  /** The region (one of the topology's). */
  readonly region: string;
  /** Where the endpoint is. */
  readonly target: RouterTarget;
}

/** A region's endpoint as the router holds it. */
export interface RouterTargetInRegion {
  readonly region: string;
  readonly ipAddress?: string;
  readonly internalLoadBalancer?: InternalLoadBalancerTarget;
}

/** An existing Cloud DNS managed zone (AWS: `zone`, an IHostedZone). */
export interface ManagedZoneRef {
  /** Name of the managed zone (public for IP endpoints, private for load balancers). */
  readonly name: string;
  /** Its DNS name, with the trailing dot, e.g. `example.com.`. */
  readonly dnsName: string;
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

/**
 * Properties of {@link GlobalRouter}. The names follow the AWS construct
 * where the concept is the same (docs/gcp/README.md, "The same words on both
 * clouds"); the former Google Cloud names are still accepted, with a warning.
 */
export interface GlobalRouterProps {
  /** The primary; its topology says which regions exist and which one takes writes. */
  readonly primary: PrimaryRegion;
  /**
   * The existing Cloud DNS managed zone the records are written into.
   * @default - required, unless the deprecated managedZone and zoneDnsName are given
   */
  readonly zone?: ManagedZoneRef;
  /** @deprecated use `zone: { name, dnsName }`. @default - see zone */
  readonly managedZone?: string;
  /** @deprecated use `zone: { name, dnsName }`. @default - see zone */
  readonly zoneDnsName?: string;
  /**
   * The application endpoint in each region that takes traffic.
   * @default - required, unless the deprecated targets are given
   */
  readonly endpoints?: readonly RegionEndpoint[];
  /** @deprecated use `endpoints: [{ region, target: RouterTarget.fromIpAddress(ip) }]`. @default - see endpoints */
  readonly targets?: readonly RouterTarget[];
  /**
   * Write hostname, relative to the zone (`write`, `write.p3`), or fully
   * qualified with a trailing dot (inside the zone).
   * @default 'write'
   */
  readonly writeRecordName?: string;
  /** @deprecated use writeRecordName (a fully qualified name is still accepted there). @default - see writeRecordName */
  readonly writeHostname?: string;
  /**
   * Read hostname, relative to the zone, or fully qualified.
   * @default 'read'
   */
  readonly readRecordName?: string;
  /** @deprecated use readRecordName. @default - see readRecordName */
  readonly readHostname?: string;
  /**
   * Publish the read record (geo routing to the nearest healthy region).
   * @default true from phase 4 (reads from several regions), false before
   */
  readonly readRoute?: boolean;
  /** @deprecated use readRoute. @default - see readRoute */
  readonly routeReads?: boolean;
  /**
   * TTL of both records, seconds. (AWS: `recordTtl`, a Duration; cdktf has
   * no Duration type, so Google Cloud takes a number with the unit in the name.)
   * @default 30
   */
  readonly recordTtlSeconds?: number;
  /** @deprecated use recordTtlSeconds. @default - see recordTtlSeconds */
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

export { DEFAULT_HEALTH_CHECK_SOURCE_REGIONS } from './private/router-rules';

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
  /** The primary the router follows. */
  public readonly primary: PrimaryRegion;
  /** Managed zone name. */
  public readonly managedZone: string;
  /** DNS name of the zone, with the trailing dot. */
  public readonly zoneDnsName: string;
  /** True when the read record is published. */
  public readonly readRoute: boolean;
  /** Project. */
  public readonly project: string;
  /** The endpoint of each region. */
  public readonly targets: readonly RouterTargetInRegion[];
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
    const problems: ConfigProblem[] = [];
    const r = resolveRouterProps(this, props, topology, problems);
    problems.push(...routerProblems(r, props, topology));
    throwIfProblems(source, problems);
    const hc = props.healthCheck ?? {};
    const interval = hc.checkIntervalSec ?? 30;
    const timeout = hc.timeoutSec ?? 10;
    const sourceRegions = hc.sourceRegions ?? DEFAULT_HEALTH_CHECK_SOURCE_REGIONS;
    const trickle = props.trickleRatio ?? 0;
    const ttl = r.ttl;
    const kinds = new Set(r.targets.map((t) => (t.internalLoadBalancer ? 'internal' : 'external')));

    const primary = props.primary;
    this.primary = primary;
    this.project = primary.project;
    this.managedZone = r.zoneName;
    this.zoneDnsName = r.zoneDnsName;
    this.targets = r.targets;
    this.regionOrder = regions;
    this.ttl = ttl;
    this.trickleRatio = trickle;
    this.writeHostname = r.writeHostname;
    this.readHostname = r.readHostname;
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

    const ordered = [...r.targets].sort((a, b) => regions.indexOf(a.region) - regions.indexOf(b.region));
    const primaryTarget = ordered.find((t) => t.region === topology.primaryRegion)!;
    const backups = ordered.filter((t) => t !== primaryTarget);

    this.writeRecord = new DnsRecordSet(this, 'WriteRecord', {
      project: primary.project,
      managedZone: r.zoneName,
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

    this.readRoute = r.readRoute;
    if (r.readRoute) {
      this.readRecord = new DnsRecordSet(this, 'ReadRecord', {
        project: primary.project,
        managedZone: r.zoneName,
        name: this.readHostname,
        type: this.recordType,
        ttl,
        routingPolicy: {
          healthCheck: this.healthCheckId,
          // Role-independent order (by region name): a role swap changes nothing here.
          geo: [...r.targets].sort((a, b) => a.region.localeCompare(b.region)).map((t) => ({ location: t.region, healthCheckedTargets: healthChecked(t, primary.project) })),
        },
      });
    }
    dependOnServices(this, requireServices(this, primary.project, [GCP_SERVICES.dns, ...(internal ? [] : [GCP_SERVICES.compute])]));
    mustSurvive(this, primary.region, 'required', `the router '${this.node.path}' moves writes away from ${primary.region} when it is lost`);
    registerRouter(this);
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

function ilb(t: RouterTargetInRegion, project: string) {
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

function healthChecked(t: RouterTargetInRegion, project: string) {
  return t.internalLoadBalancer ? { internalLoadBalancers: [ilb(t, project)] } : { externalEndpoints: [t.ipAddress!] };
}

