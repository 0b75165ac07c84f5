/**
 * GlobalRouter's props, resolved and checked: the names shared with the AWS
 * construct (`zone`, `endpoints`, `writeRecordName`, `readRecordName`,
 * `readRoute`, `recordTtlSeconds`), the deprecated Google Cloud names they
 * replace (still accepted, with a warning), and every synth-time rule.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { checkRegion, ConfigProblem, show, Topology } from '../../core';
import type { GlobalRouterProps, InternalLoadBalancerTarget, RouterTargetInRegion } from '../global-router';
import { deprecatedProp, renamedProp } from './deprecated';
import { GCP_PROFILE } from './gcp-profile';

/** Default source regions of the Cloud DNS health check (three continents). */
export const DEFAULT_HEALTH_CHECK_SOURCE_REGIONS: readonly string[] = ['us-central1', 'europe-west1', 'asia-southeast1'];

/** The props with the new names, whichever were given. */
export interface ResolvedRouter {
  readonly zoneName: string;
  readonly zoneDnsName: string;
  readonly targets: readonly RouterTargetInRegion[];
  /** `endpoints` or (deprecated) `targets`: the name used in messages. */
  readonly list: 'endpoints' | 'targets';
  readonly writeHostname: string;
  readonly readHostname: string;
  readonly readRoute: boolean;
  readonly ttl: number;
}

/** Resolves the new and the deprecated names (warning on each deprecated one), appending problems. */
export function resolveRouterProps(scope: Construct, props: GlobalRouterProps, topology: Topology, problems: ConfigProblem[]): ResolvedRouter {
  const renamed = <T>(oldName: string, newName: string) => renamedProp<T>(scope, 'GlobalRouter', props, oldName, newName, problems);
  // zone: { name, dnsName } ← managedZone + zoneDnsName
  if (props.managedZone !== undefined || props.zoneDnsName !== undefined) {
    if (props.managedZone !== undefined) deprecatedProp(scope, 'GlobalRouter', 'managedZone', 'zone: { name, dnsName }');
    if (props.zoneDnsName !== undefined) deprecatedProp(scope, 'GlobalRouter', 'zoneDnsName', 'zone: { name, dnsName }');
    if (props.zone && (props.zone.name !== props.managedZone || props.zone.dnsName !== props.zoneDnsName)) {
      problems.push({ property: 'managedZone', message: `managedZone / zoneDnsName and zone are both set (${show(props.managedZone)}, ${show(props.zoneDnsName)} vs ${show(props.zone)})`, fix: 'keep only zone: { name, dnsName } (managedZone and zoneDnsName are its deprecated names)' });
    }
  }
  const zoneName = props.zone?.name ?? props.managedZone ?? '';
  const zoneDnsName = props.zone?.dnsName ?? props.zoneDnsName ?? '';
  if (!zoneName || !zoneDnsName) {
    problems.push({ property: 'zone', message: 'zone is missing', fix: "set zone: { name: '<managed zone name>', dnsName: 'example.com.' } (an existing Cloud DNS zone)" });
  }

  // endpoints: [{ region, target }] ← targets: [{ region, ipAddress | internalLoadBalancer }]
  let list: 'endpoints' | 'targets' = 'endpoints';
  let targets: RouterTargetInRegion[] = [];
  if (props.targets !== undefined) {
    if (props.endpoints !== undefined) {
      problems.push({ property: 'targets', message: 'targets and endpoints are both set', fix: 'keep only endpoints (targets is its deprecated name)' });
    } else {
      deprecatedProp(scope, 'GlobalRouter', 'targets', "endpoints: [{ region, target: RouterTarget.fromIpAddress(ip) | RouterTarget.fromInternalLoadBalancer({...}) }]");
      list = 'targets';
    }
    targets = props.targets.map((t) => ({ region: t.region ?? '', ipAddress: t.ipAddress, internalLoadBalancer: t.internalLoadBalancer }));
  }
  if (props.endpoints !== undefined) {
    list = 'endpoints';
    targets = props.endpoints.map((e) => ({ region: e.region, ipAddress: e.target?.ipAddress, internalLoadBalancer: e.target?.internalLoadBalancer }));
  }
  if (props.endpoints === undefined && props.targets === undefined) {
    problems.push({ property: 'endpoints', message: 'endpoints is missing', fix: "give one application endpoint per region: endpoints: [{ region: 'us-central1', target: RouterTarget.fromIpAddress('203.0.113.10') }, ...]" });
  }

  const writeName = renamed<string>('writeHostname', 'writeRecordName') ?? 'write';
  const readName = renamed<string>('readHostname', 'readRecordName') ?? 'read';
  const readRoute = renamed<boolean>('routeReads', 'readRoute') ?? topology.phase >= 4;
  const ttl = renamed<number>('ttl', 'recordTtlSeconds') ?? 30;
  return {
    zoneName,
    zoneDnsName,
    targets,
    list,
    writeHostname: recordName(writeName, zoneDnsName, props.writeRecordName !== undefined ? 'writeRecordName' : 'writeHostname', problems),
    readHostname: recordName(readName, zoneDnsName, props.readRecordName !== undefined ? 'readRecordName' : 'readHostname', problems),
    readRoute,
    ttl,
  };
}

/**
 * A record name relative to the zone (`write`, `write.p3`), or fully
 * qualified when it ends with a dot (it must then be inside the zone).
 */
function recordName(name: string, zone: string, property: string, problems: ConfigProblem[]): string {
  if (!name.endsWith('.')) return `${name}.${zone}`;
  if (zone && name !== zone && !name.endsWith(`.${zone}`)) {
    problems.push({ property, message: `${property} ${show(name)} is not inside the zone ${show(zone)}`, fix: `use a name relative to the zone (e.g. 'write'), or one that ends with '.${zone}'` });
  }
  return name;
}

/** Every synth-time rule of the router, on the resolved props. */
export function routerProblems(r: ResolvedRouter, props: GlobalRouterProps, topology: Topology): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const regions = [topology.primaryRegion, ...topology.replicaRegions];
  const { list, targets } = r;
  const hc = props.healthCheck ?? {};
  const interval = hc.checkIntervalSec ?? 30;
  const sourceRegions = hc.sourceRegions ?? DEFAULT_HEALTH_CHECK_SOURCE_REGIONS;
  const trickle = props.trickleRatio ?? 0;
  const zoneProperty = props.zone ? 'zone.dnsName' : 'zoneDnsName';
  if (r.zoneDnsName && !r.zoneDnsName.endsWith('.')) {
    problems.push({ property: zoneProperty, message: `${zoneProperty} ${show(r.zoneDnsName)} has no trailing dot`, fix: `set ${zoneProperty} to '${r.zoneDnsName}.'` });
  }
  if ((props.endpoints ?? props.targets) !== undefined && targets.length === 0) {
    problems.push({ property: list, message: `${list} is empty`, fix: 'give one application endpoint per region' });
  }
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    const property = `${list}[${i}].region`;
    const regionProblems = checkRegion(GCP_PROFILE, property, t.region);
    problems.push(...regionProblems);
    if (regionProblems.length === 0 && !regions.includes(t.region)) {
      problems.push({
        property,
        message: `${property} ${show(t.region)} is outside the topology (regions: ${regions.join(', ')})`,
        fix: `route only to regions that hold the database: add '${t.region}' to the primary's replicaRegions, or remove the ${list === 'endpoints' ? 'endpoint' : 'target'}`,
      });
    }
    if (seen.has(t.region)) {
      problems.push({ property, message: `${property} ${show(t.region)} is listed twice`, fix: `give one ${list === 'endpoints' ? 'endpoint' : 'target'} per region` });
    }
    seen.add(t.region);
    if ((t.ipAddress === undefined) === (t.internalLoadBalancer === undefined)) {
      problems.push(list === 'endpoints'
        ? { property: `endpoints[${i}].target`, message: `endpoints[${i}].target has no address`, fix: 'use RouterTarget.fromIpAddress(ip) for a public endpoint or RouterTarget.fromInternalLoadBalancer({...}) for a private one' }
        : { property: `targets[${i}]`, message: `targets[${i}] must have exactly one of ipAddress and internalLoadBalancer`, fix: 'set ipAddress for a public endpoint or internalLoadBalancer for a private one' });
    }
    const lb: Partial<InternalLoadBalancerTarget> = t.internalLoadBalancer ?? {};
    const values = [t.ipAddress, lb.ipAddress, lb.networkUrl, lb.port, lb.forwardingRule];
    if (values.some((v) => v !== undefined && Token.isUnresolved(v))) {
      problems.push({
        property: `${list}[${i}]`,
        message: `${list}[${i}] has a Terraform reference; the failover workflow and runbook need plain addresses (and the runbook lives in another state)`,
        fix: 'pass the literal IP address, port and network of the endpoint',
      });
    }
  });
  const kinds = new Set(targets.map((t) => (t.internalLoadBalancer ? 'internal' : 'external')));
  if (kinds.size > 1) {
    problems.push({
      property: list,
      message: `${list} mix public IP endpoints and internal load balancers, but a Cloud DNS routing policy health-checks one kind`,
      fix: 'use public endpoints in a public zone, or internal load balancers in a private zone, not both',
    });
  }
  if (targets.length > 0 && !targets.some((t) => t.region === topology.primaryRegion)) {
    problems.push({
      property: list,
      message: `${list} has no endpoint in the primary region ${show(topology.primaryRegion)}, so writes have nowhere to go`,
      fix: `add ${list === 'endpoints' ? 'an endpoint' : 'a target'} with region '${topology.primaryRegion}'`,
    });
  }
  if ((props.endpoints ?? props.targets) !== undefined && targets.length < 2) {
    problems.push({
      property: list,
      message: `${list} has ${targets.length} endpoint(s); a failover policy needs a primary and at least one backup region`,
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
    sourceRegions.forEach((reg, i) => problems.push(...checkRegion(GCP_PROFILE, `healthCheck.sourceRegions[${i}]`, reg)));
    if (!Number.isInteger(interval) || interval < 30) {
      problems.push({
        property: 'healthCheck.checkIntervalSec',
        message: `healthCheck.checkIntervalSec ${show(interval)} is below the 30 s minimum of health checks with source regions`,
        fix: 'set healthCheck.checkIntervalSec to 30 or more',
      });
    }
    const timeout = hc.timeoutSec ?? 10;
    if (!(Number.isInteger(timeout) && timeout >= 1 && timeout <= interval)) {
      // "It is invalid for timeoutSec to have greater value than checkIntervalSec."
      // https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks
      problems.push({
        property: 'healthCheck.timeoutSec',
        message: `healthCheck.timeoutSec ${show(timeout)} is not a whole number of seconds between 1 and checkIntervalSec (${interval})`,
        fix: `set healthCheck.timeoutSec to ${Math.min(10, interval)} or another value up to ${interval}`,
      });
    }
  }
  if (!(trickle >= 0 && trickle <= 1)) {
    problems.push({ property: 'trickleRatio', message: `trickleRatio ${show(trickle)} is not between 0 and 1`, fix: 'set trickleRatio to 0 (default) or a fraction up to 1' });
  }
  if (!Number.isInteger(r.ttl) || r.ttl < 0) {
    const p = props.ttl !== undefined ? 'ttl' : 'recordTtlSeconds';
    problems.push({ property: p, message: `${p} ${show(r.ttl)} is not a whole number of seconds`, fix: `set ${p} to e.g. 30` });
  }
  return problems;
}
