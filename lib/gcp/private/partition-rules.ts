/**
 * The synth-time checks of GeoPartitionedDatabase: core's partition model
 * (names, one home each, residency of every copy, a standby from phase 3 on)
 * in Cloud SQL's words, and what the Google Cloud construct adds (endpoints
 * of every region, instance names, workflow regions).
 */
import { ConfigProblem, missingPartitionEndpoint, residencyAllows, show, validatePartitions } from '../../core';
import type { GeoPartitionedDatabaseProps } from '../geo-partitioned-database';
import { CLOUD_SQL_REGIONS, GCP_PROFILE } from './gcp-profile';
import { INSTANCE_NAME, MAX_INSTANCE_NAME } from './names';

/** `<namePrefix>-<partition>-<region>`: named by partition and region, never by role. */
export function defaultInstanceName(namePrefix: string, partition: string, region: string): string {
  return `${namePrefix}-${partition}-${region}`;
}

/** Every problem of the props, at once. */
export function geoPartitionProblems(props: GeoPartitionedDatabaseProps, namePrefix: string): ConfigProblem[] {
  const partitions = props.partitions ?? [];
  const problems = validatePartitions(partitions, 5, GCP_PROFILE).map((p) => cloudSqlRegionWords(p, partitions));
  if (problems.length > 0) return problems;
  const endpointRegions = new Set((props.endpoints ?? []).map((e) => e.region));
  const names = new Map<string, string>();
  partitions.forEach((p, i) => {
    const at = `partitions[${i}]`;
    const regions = [p.homeRegion, ...(p.replicaRegions ?? [])];
    const noEndpoint = missingPartitionEndpoint(p, endpointRegions, (r) => `{ region: '${r}', target: RouterTarget.fromIpAddress('<ip>') }`);
    if (noEndpoint) problems.push(noEndpoint);
    for (const region of Object.keys(p.instanceNames ?? {})) {
      if (!regions.includes(region)) {
        problems.push({ property: `${at}.instanceNames.${region}`, message: `${at}.instanceNames.${region} names an instance in a region partition ${show(p.name)} does not use`, fix: `remove it, or add '${region}' to ${at}.replicaRegions` });
      }
    }
    regions.forEach((region) => {
      const name = p.instanceNames?.[region] ?? defaultInstanceName(namePrefix, p.name, region);
      const property = p.instanceNames?.[region] !== undefined ? `${at}.instanceNames.${region}` : 'namePrefix';
      if (!INSTANCE_NAME.test(name) || name.length > MAX_INSTANCE_NAME) {
        problems.push({ property, message: `${property} gives the instance of partition ${show(p.name)} in ${region} the name ${show(name)}, which is not a valid Cloud SQL instance name`, fix: 'use lowercase letters, digits and hyphens, starting with a letter (at most 60 characters: any region may become the home)' });
      } else if (names.has(name)) {
        problems.push({ property, message: `${property} gives ${show(name)} to two instances (${names.get(name)} and ${p.name}/${region})`, fix: 'give every instance of every partition its own name' });
      }
      names.set(name, `${p.name}/${region}`);
    });
    (p.runbookRegions ?? []).forEach((region, j) => {
      if (!residencyAllows(p.residency, region)) {
        problems.push({
          property: `${at}.runbookRegions[${j}]`,
          message: `${at}.runbookRegions[${j}] ${show(region)} is outside the residency rule '${p.residency!.name}' of partition ${show(p.name)} (allowed: ${p.residency!.allowedRegions.join(', ')})`,
          fix: `deploy the partition's workflow in its own regions (${regions.join(', ')})`,
        });
      }
    });
    if (p.runbookRegions && p.runbookRegions.every((r) => r === p.homeRegion)) {
      problems.push({ property: `${at}.runbookRegions`, message: `${at}.runbookRegions ${show(p.runbookRegions)} has only the home region, so the runbook would be lost with it`, fix: `add the standby '${p.replicaRegions?.[0]}'` });
    }
  });
  return problems;
}

/**
 * Core names a region Google Cloud has but this release does not list as
 * "not a Google Cloud region this release knows"; for a partition the list
 * is Cloud SQL's, so say that (with the fix inside the partition's residency).
 */
function cloudSqlRegionWords(p: ConfigProblem, partitions: GeoPartitionedDatabaseProps['partitions']): ConfigProblem {
  const m = /^partitions\[(\d+)\]\.(homeRegion|replicaRegions\[\d+\])$/.exec(p.property);
  if (!m || !/this release knows/.test(p.message)) return p;
  const partition = partitions[Number(m[1])];
  const value = m[2] === 'homeRegion' ? partition.homeRegion : (partition.replicaRegions ?? [])[Number(/\d+/.exec(m[2].slice(14))![0])];
  const choices = CLOUD_SQL_REGIONS.filter((r) => residencyAllows(partition.residency, r));
  return {
    property: p.property,
    message: `${p.property} ${show(value)} is not a region where Cloud SQL runs (https://cloud.google.com/sql/docs/postgres/locations), so partition ${show(partition.name)} cannot have ${m[2] === 'homeRegion' ? 'its primary' : 'a replica'} there`,
    fix: `choose a Cloud SQL region${partition.residency ? ` inside the residency rule '${partition.residency.name}'` : ''}: ${choices.join(', ')}`,
  };
}
