import { Stack, Token } from 'aws-cdk-lib';
import { ConfigProblem, show } from '../../core';
import type { GlobalRouterProps } from '../global-router';
import type { RegionEndpoint } from '../router-target';
import { checkHealthCheck, ROUTE53_ALARM_DOC, ROUTE53_ALARM_REGIONS, ROUTE53_METRICS_DOC } from './aws-recovery';

/** Route 53: "You can't create a CNAME record for example.com" (the zone apex); an alias record can be there. */
export const CNAME_APEX_DOC = 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html';

/** Whether a record name, relative to the zone or fully qualified, names the zone apex. */
function isApex(name: string, zoneName: string): boolean {
  const n = name.replace(/\.$/, '').toLowerCase();
  const z = zoneName.replace(/\.$/, '').toLowerCase();
  return n === '' || n === '@' || (!Token.isUnresolved(zoneName) && n === z);
}

/** Everything the router's checks need, resolved. */
export interface RouterCheckInput {
  readonly props: GlobalRouterProps;
  readonly stack: Stack;
  readonly intervalSeconds: number;
  readonly failureThreshold: number;
  readonly defaultPath: string;
  readonly ttlSeconds: number;
  readonly writeRoute: boolean;
  readonly readRoute: boolean;
  readonly alarms: boolean;
}

/** The router's configuration problems, its standby region and its read regions. */
export function checkRouter(input: RouterCheckInput): { problems: ConfigProblem[]; standby?: string; readRegions: string[] } {
  const { props, stack, writeRoute, readRoute, alarms, defaultPath } = input;
  const primary = props.primary;
  const replicas = props.replicas ?? [];
  const hc = props.healthCheck ?? {};
  const ttlSeconds = input.ttlSeconds;
  const endpointsByRegion = new Map<string, RegionEndpoint>(props.endpoints.map((e) => [e.region, e]));
  const servesReads = new Map<string, boolean>([[primary.region, true], ...replicas.map((r) => [r.region, r.servesReads] as [string, boolean])]);
  const topologyRegions = [primary.region, ...primary.topology.replicaRegions];
  const problems: ConfigProblem[] = [...checkHealthCheck({
    intervalSeconds: input.intervalSeconds,
    failureThreshold: input.failureThreshold,
    regions: hc.regions,
    path: defaultPath,
  })];
  props.endpoints.forEach((e, i) => {
    if (!topologyRegions.includes(e.region)) {
      problems.push({
        property: `endpoints[${i}].region`,
        message: `endpoints[${i}].region ${show(e.region)} is not a region of the topology (${topologyRegions.join(', ')})`,
        fix: 'give endpoints only for the primary region and the replica regions',
      });
    } else if (props.endpoints.findIndex((x) => x.region === e.region) !== i) {
      problems.push({ property: `endpoints[${i}].region`, message: `endpoints[${i}].region ${show(e.region)} is listed twice`, fix: 'give one endpoint per region' });
    }
    if (e.healthCheckPath !== undefined) {
      problems.push(...checkHealthCheck({ intervalSeconds: 10, failureThreshold: 3, path: e.healthCheckPath }, `endpoints[${i}]`)
        .filter((p) => p.property.endsWith('.path')));
    }
  });
  replicas.forEach((r, i) => {
    if (r.globalClusterIdentifier !== primary.globalClusterIdentifier) {
      problems.push({
        property: `replicas[${i}]`,
        message: `replicas[${i}] joins global cluster ${show(r.globalClusterIdentifier)}, not the primary's ${show(primary.globalClusterIdentifier)}`,
        fix: 'pass the replicas of this primary',
      });
    }
  });
  if (ttlSeconds > 60 || ttlSeconds < 0) {
    problems.push({
      property: 'recordTtl',
      message: `recordTtl ${ttlSeconds} s is longer than the 60 s AWS recommends for records with health checks: clients would keep a failed region that long`,
      fix: 'set recordTtl to Duration.seconds(60) or less',
    });
  }
  if (alarms && !Token.isUnresolved(stack.region) && stack.region !== 'us-east-1') {
    problems.push({
      property: 'healthCheckAlarms',
      message: `healthCheckAlarms is on but the stack '${stack.stackName}' is in ${stack.region}; Route 53 publishes health-check metrics only in us-east-1 (${ROUTE53_METRICS_DOC}) and an alarm cannot watch another region's metric`,
      fix: "put the GlobalRouter in a stack with env.region 'us-east-1', or set healthCheckAlarms: false and alarm from a us-east-1 stack",
    });
  }

  let standby: string | undefined;
  if (writeRoute) {
    if (!primary.globalClusterIdentifier) {
      problems.push({
        property: 'primary',
        message: `the primary '${primary.node.path}' is not a global database, so the write route has nowhere to fail over`,
        fix: 'give the PrimaryRegion replicaRegions, or set writeRoute: false',
      });
    }
    standby = props.standbyRegion ?? replicas.find((r) => r.servesReads)?.region;
    if (props.standbyRegion !== undefined) {
      const replica = replicas.find((r) => r.region === props.standbyRegion);
      if (!replica) {
        problems.push({
          property: 'standbyRegion',
          message: `standbyRegion ${show(props.standbyRegion)} is not one of the replicas (${show(replicas.map((r) => r.region))})`,
          fix: 'choose the region of a ReadReplicaRegion passed in replicas',
        });
      } else if (!replica.servesReads) {
        problems.push({
          property: 'standbyRegion',
          message: `standbyRegion ${show(props.standbyRegion)} is a headless secondary; Aurora cannot switch over or fail over to a cluster without instances`,
          fix: `give the ReadReplicaRegion in ${props.standbyRegion} instances: 1 or more, or choose another standbyRegion`,
        });
      }
    } else if (!standby) {
      problems.push({
        property: 'standbyRegion',
        message: `no replica has instances (${show(replicas.map((r) => r.region))}), so the write route has no standby`,
        fix: 'give a ReadReplicaRegion instances: 1 or more, or set writeRoute: false',
      });
    }
    for (const region of [primary.region, standby]) {
      // The writer-role health check reads an alarm in the database's region.
      if (region && !Token.isUnresolved(region) && !ROUTE53_ALARM_REGIONS.includes(region)) {
        problems.push({
          property: region === primary.region ? 'primary' : 'standbyRegion',
          message: `the write route needs a Route 53 health check on a CloudWatch alarm in ${show(region)}, which is not a region Route 53 reads alarms from (${ROUTE53_ALARM_DOC})`,
          fix: 'put the primary and the standby in regions Route 53 alarm health checks support, or set writeRoute: false',
        });
      }
      if (region && !endpointsByRegion.has(region)) {
        problems.push({
          property: 'endpoints',
          message: `endpoints has no entry for ${show(region)}, which the write route needs`,
          fix: `add { region: '${region}', target: RouterTarget.fromHostname(...) } to endpoints`,
        });
      }
    }
  }

  let readRegions: string[] = [];
  if (readRoute) {
    if (props.readRegions !== undefined) {
      props.readRegions.forEach((region, i) => {
        if (!servesReads.has(region)) {
          problems.push({
            property: `readRegions[${i}]`,
            message: `readRegions[${i}] ${show(region)} is not a region of the topology (${topologyRegions.join(', ')})`,
            fix: 'list only regions with a PrimaryRegion or ReadReplicaRegion passed to the router',
          });
        } else if (!servesReads.get(region)) {
          problems.push({
            property: `readRegions[${i}]`,
            message: `readRegions[${i}] ${show(region)} is a headless secondary with no reader capacity; read records there would send users to a region that cannot answer`,
            fix: `give the ReadReplicaRegion in ${region} instances: 1 or more, or remove ${show(region)} from readRegions`,
          });
        }
      });
      readRegions = [...props.readRegions];
    } else {
      readRegions = [...servesReads.entries()].filter(([, reads]) => reads).map(([r]) => r).filter((r) => endpointsByRegion.has(r));
    }
    readRegions.forEach((region, i) => {
      if (servesReads.get(region) && !endpointsByRegion.has(region)) {
        problems.push({
          property: `readRegions[${i}]`,
          message: `readRegions[${i}] ${show(region)} has no entry in endpoints`,
          fix: `add { region: '${region}', target: ... } to endpoints`,
        });
      }
    });
    readRegions.forEach((region, i) => {
      // A secondary's read record checks its read-lag alarm, in its own region.
      if (region !== primary.region && servesReads.get(region) && !Token.isUnresolved(region) && !ROUTE53_ALARM_REGIONS.includes(region)) {
        const property = props.readRegions !== undefined ? `readRegions[${i}]` : 'readRegions';
        problems.push({
          property,
          message: `${property} ${props.readRegions !== undefined ? show(region) : `(default) includes ${show(region)}`}: the read route checks its replication lag through a Route 53 health check on a CloudWatch alarm there, and Route 53 does not read alarms in ${show(region)} (${ROUTE53_ALARM_DOC})`,
          fix: `list readRegions without ${show(region)}, so its stale reads are never served`,
        });
      }
    });
    if (readRegions.length === 0 && props.readRegions === undefined) {
      problems.push({ property: 'readRoute', message: 'readRoute is on but no region with readers has an endpoint', fix: 'add endpoints, or set readRoute: false' });
    }
  }
  // A CNAME cannot share its name with the SOA and NS records of the apex.
  if (props.endpoints.some((e) => !e.target.alias)) {
    const names: [string, string | undefined, boolean][] = [
      ['writeRecordName', props.writeRecordName, writeRoute],
      ['readRecordName', props.readRecordName, readRoute],
    ];
    for (const [prop, name, used] of names) {
      if (used && name !== undefined && isApex(name, props.zone.zoneName)) {
        problems.push({
          property: prop,
          message: `${prop} ${show(name)} is the zone apex, where Route 53 cannot create the CNAME records of RouterTarget.fromHostname (${CNAME_APEX_DOC})`,
          fix: `give ${prop} a subdomain such as ${show(prop === 'writeRecordName' ? 'write' : 'read')}, or use RouterTarget.fromAlias for every endpoint`,
        });
      }
    }
  }
  for (const region of Object.keys(props.regionSwitchHealthCheckIds ?? {})) {
    if (region !== primary.region && region !== standby) {
      problems.push({
        property: 'regionSwitchHealthCheckIds',
        message: `regionSwitchHealthCheckIds has ${show(region)}, which is not in the write route (${[primary.region, standby].filter(Boolean).join(', ')})`,
        fix: 'give the health check ids of the primary and standby regions only',
      });
    }
  }
  return { problems, standby, readRegions };
}
