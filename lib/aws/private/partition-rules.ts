/**
 * The synth-time checks of GeoPartitionedDatabase: core's partition model
 * (names, one home each, residency of every copy, a standby from phase 3 on)
 * and what the AWS construct adds (an endpoint in every region of every
 * partition, distinct stacks and global clusters, the origin region).
 * Residency is enforced here once: every cluster, replica, DNS record and
 * runbook target of a partition is one of its own regions, which this check
 * keeps inside its residency rule.
 */
import { checkRegion, ConfigProblem, missingPartitionEndpoint, show, validatePartitions } from '../../core';
import type { GeoPartitionedDatabaseProps, GeoPartitionSpec } from '../geo-partition-props';
import { AWS_PROFILE } from './aws-profile';

/** `<stackPrefix>-<partition>`: the default prefix of a partition's stacks. */
export function partitionStackPrefix(prefix: string, p: GeoPartitionSpec): string {
  return p.stackPrefix ?? `${prefix}-${p.name}`;
}

/** The LadderDeployment default: `<partition stack prefix, lowercased>-global`. */
export function partitionGlobalId(partitionPrefix: string, p: GeoPartitionSpec): string {
  return p.globalClusterIdentifier ?? `${partitionPrefix.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-global`;
}

/** Every problem of the props, at once. */
export function geoPartitionProblems(props: GeoPartitionedDatabaseProps, prefix: string): ConfigProblem[] {
  const partitions = props.partitions ?? [];
  const problems = validatePartitions(partitions, 5, AWS_PROFILE);
  const routingRegion = props.routingRegion ?? 'us-east-1';
  problems.push(...checkRegion(AWS_PROFILE, 'routingRegion', routingRegion));
  if (problems.length > 0) return problems;
  const endpointRegions = new Set((props.endpoints ?? []).map((e) => e.region));
  const stacks = new Map<string, string>();
  const globalIds = new Map<string, string>();
  partitions.forEach((p, i) => {
    const at = `partitions[${i}]`;
    const regions = [p.homeRegion, ...(p.replicaRegions ?? [])];
    const noEndpoint = missingPartitionEndpoint(p, endpointRegions, (r) => `{ region: '${r}', target: RouterTarget.fromHostname('app.${r}.example.com') }`);
    if (noEndpoint) problems.push(noEndpoint);
    if (p.originRegion !== undefined && !regions.includes(p.originRegion)) {
      problems.push({
        property: `${at}.originRegion`,
        message: `${at}.originRegion ${show(p.originRegion)} is not a region of partition ${show(p.name)} (${regions.join(', ')})`,
        fix: 'set originRegion to the region the partition\'s global database was created in, and keep that region in homeRegion or replicaRegions (a deployed region stays after a failover)',
      });
    }
    const partitionPrefix = partitionStackPrefix(prefix, p);
    for (const part of [...regions, 'Routing']) {
      const name = `${partitionPrefix}-${part}`;
      if (stacks.has(name)) {
        problems.push({ property: `${at}.stackPrefix`, message: `${at}.stackPrefix ${show(partitionPrefix)} gives the stack name ${show(name)} to two stacks (${stacks.get(name)} and ${p.name}/${part})`, fix: 'give every partition its own stackPrefix' });
      }
      stacks.set(name, `${p.name}/${part}`);
    }
    const globalId = partitionGlobalId(partitionPrefix, p);
    if (globalIds.has(globalId)) {
      problems.push({ property: `${at}.globalClusterIdentifier`, message: `${at}.globalClusterIdentifier ${show(globalId)} is also the global cluster of partition ${show(globalIds.get(globalId))}`, fix: 'give every partition its own global cluster (each partition is its own Aurora global database)' });
    }
    globalIds.set(globalId, p.name);
  });
  return problems;
}
