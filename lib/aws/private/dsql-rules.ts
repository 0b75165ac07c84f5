/**
 * Aurora DSQL multi-Region rules, checked at synth.
 *
 * - Multi-Region clusters exist only inside one Region set (US, Asia
 *   Pacific, Europe): "Multi-Region clusters must be created within a single
 *   Region set … Aurora DSQL currently doesn't support cross-continent
 *   multi-Region clusters"
 *   (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html#aurora-dsql-multi-region-availability).
 * - Two peered clusters, each with a Regional endpoint, plus a witness
 *   Region that "stores a limited window of encrypted transaction logs" and
 *   has no endpoint; a cluster is peered with "a second cluster that shares
 *   the same witness Region"
 *   (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/multi-region-aws-cli.html).
 *   So the witness is a third Region, never one of the peers, and it holds
 *   (encrypted) data: the residency rule applies to it too.
 * - Peering in CloudFormation: each cluster is created with only its
 *   WitnessRegion, then both templates list both cluster ARNs in
 *   `MultiRegionProperties.Clusters` and are updated
 *   (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/mr-cluster-setup.html).
 *   Every property of `AWS::DSQL::Cluster` updates without interruption
 *   (no `causesReplacement` in @aws-cdk/aws-service-spec), so the second
 *   deploy replaces nothing.
 * - Cluster identifiers are 26 lowercase letters and digits (the ARN pattern
 *   `arn:aws(-[^:]+)?:dsql:[a-z0-9-]{1,20}:[0-9]{12}:cluster/[a-z0-9]{26}`,
 *   https://docs.aws.amazon.com/aurora-dsql/latest/APIReference/API_MultiRegionProperties.html).
 */
import { checkRegion, ConfigProblem, DataResidency, residencyAllows, show } from '../../core';
import { AWS_PROFILE } from './aws-profile';

/** The Region sets inside which Aurora DSQL peers clusters (source above). */
export const DSQL_REGION_SETS: Readonly<Record<string, readonly string[]>> = {
  US: ['us-east-1', 'us-east-2', 'us-west-2'],
  'Asia Pacific': ['ap-northeast-3', 'ap-northeast-2', 'ap-northeast-1'],
  Europe: ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3'],
};

/** Peered clusters of one multi-Region cluster (each with an endpoint). */
export const DSQL_MAX_PEERS = 2;

/** A DSQL cluster identifier. */
export const DSQL_CLUSTER_ID = /^[a-z0-9]{26}$/;

/** The Region set of `region`, if it has one. */
export function dsqlRegionSet(region: string): string | undefined {
  return Object.keys(DSQL_REGION_SETS).find((set) => DSQL_REGION_SETS[set].includes(region));
}

const sets = () => Object.entries(DSQL_REGION_SETS).map(([name, regions]) => `${name}: ${regions.join(', ')}`).join('; ');

/** The inputs the rules need. */
export interface DsqlSpec {
  readonly regions: readonly string[] | undefined;
  readonly witnessRegion: string | undefined;
  readonly residency?: DataResidency;
  readonly clusterIdentifiers?: Readonly<Record<string, string>>;
  readonly deletionProtection: boolean;
  readonly allowDataLossOnDelete: boolean;
}

/** Every problem of an active-active (DSQL) configuration, at once. */
export function dsqlProblems(spec: DsqlSpec): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const regions = spec.regions ?? [];
  if (regions.length !== DSQL_MAX_PEERS) {
    problems.push({
      property: 'regions',
      message: regions.length > DSQL_MAX_PEERS
        ? `regions ${show(regions)} lists ${regions.length} peered clusters, more than the ${DSQL_MAX_PEERS} an Aurora DSQL multi-Region cluster has (two Regional endpoints plus a witness Region)`
        : `regions ${show(regions)} lists ${regions.length} Region${regions.length === 1 ? '' : 's'}, but an Aurora DSQL multi-Region cluster has ${DSQL_MAX_PEERS} peered clusters`,
      fix: `list exactly two Regions of one Region set (${sets()}) and put a third in witnessRegion`,
    });
  }
  const regionProblems = regions.flatMap((r, i) => checkRegion(AWS_PROFILE, `regions[${i}]`, r));
  problems.push(...regionProblems);
  const witness = spec.witnessRegion;
  const witnessProblems = witness === undefined
    ? [{ property: 'witnessRegion', message: 'witnessRegion is missing, but a multi-Region cluster needs a witness Region for quorum', fix: "set witnessRegion to a third Region of the peers' Region set, e.g. 'us-west-2' for us-east-1 and us-east-2" }]
    : checkRegion(AWS_PROFILE, 'witnessRegion', witness);
  problems.push(...witnessProblems);
  // The rules below compare the two peers and the witness: only with valid names and two peers.
  if (problems.length > 0) return problems;

  const seen = new Set<string>();
  regions.forEach((region, i) => {
    const prop = `regions[${i}]`;
    if (seen.has(region)) {
      problems.push({ property: prop, message: `${prop} ${show(region)} is listed twice`, fix: 'peer clusters in two different Regions' });
    } else if (!dsqlRegionSet(region)) {
      problems.push({ property: prop, message: `${prop} ${show(region)} is not a Region where Aurora DSQL offers multi-Region clusters`, fix: `choose Regions of one Region set: ${sets()}` });
    } else if (!residencyAllows(spec.residency, region)) {
      problems.push({ property: prop, message: `${prop} ${show(region)} may not hold the data under the residency rule '${spec.residency!.name}' (allowed: ${spec.residency!.allowedRegions.join(', ')})`, fix: 'choose Regions the residency rule allows' });
    }
    seen.add(region);
  });
  const peerSets = [...new Set(regions.map(dsqlRegionSet).filter((s): s is string => s !== undefined))];
  if (peerSets.length > 1) {
    problems.push({
      property: 'regions',
      message: `regions ${show(regions)} cannot peer: they are in different Aurora DSQL Region sets (${peerSets.join(' and ')}), and DSQL has no cross-continent multi-Region clusters`,
      fix: `choose both Regions from one set (${sets()}), or keep the data of each continent in its own partition (GeoPartitionedDatabase)`,
    });
  }
  if (regions.includes(witness!)) {
    problems.push({
      property: 'witnessRegion',
      message: `witnessRegion ${show(witness)} is also a peered cluster's Region; the witness must be a third Region, or losing that Region would take a cluster and the quorum vote with it`,
      fix: `choose a witness Region other than ${regions.join(' and ')} in the same Region set${peerSets.length === 1 ? ` (${DSQL_REGION_SETS[peerSets[0]].filter((r) => !regions.includes(r) && residencyAllows(spec.residency, r)).join(', ')})` : ''}`,
    });
  } else if (peerSets.length === 1 && dsqlRegionSet(witness!) !== peerSets[0]) {
    problems.push({
      property: 'witnessRegion',
      message: `witnessRegion ${show(witness)} is not in the peers' Region set (${peerSets[0]}: ${DSQL_REGION_SETS[peerSets[0]].join(', ')})`,
      fix: `choose the witness from ${DSQL_REGION_SETS[peerSets[0]].filter((r) => !regions.includes(r)).join(', ')}`,
    });
  } else if (!residencyAllows(spec.residency, witness!)) {
    problems.push({
      property: 'witnessRegion',
      message: `witnessRegion ${show(witness)} is outside the residency rule '${spec.residency!.name}' (allowed: ${spec.residency!.allowedRegions.join(', ')}), but the witness stores encrypted transaction logs of the data`,
      fix: 'choose a witness Region the residency rule allows',
    });
  }
  const ids = spec.clusterIdentifiers;
  if (ids !== undefined) {
    for (const [region, id] of Object.entries(ids)) {
      if (!regions.includes(region)) {
        problems.push({ property: `clusterIdentifiers.${region}`, message: `clusterIdentifiers.${region} names a cluster in a Region that is not one of regions ${show(regions)}`, fix: 'give the identifiers of the clusters in regions only' });
      } else if (typeof id !== 'string' || !DSQL_CLUSTER_ID.test(id)) {
        problems.push({ property: `clusterIdentifiers.${region}`, message: `clusterIdentifiers.${region} ${show(id)} is not an Aurora DSQL cluster identifier (26 lowercase letters and digits)`, fix: `copy it from the stack output ClusterIdentifier of the ${region} stack after the first deploy` });
      }
    }
    const missing = regions.filter((r) => ids[r] === undefined);
    if (missing.length > 0 && missing.length < regions.length) {
      problems.push({ property: 'clusterIdentifiers', message: `clusterIdentifiers has no identifier for ${missing.join(', ')}, so the clusters cannot be peered`, fix: 'give the identifier of every cluster (both stacks\' ClusterIdentifier outputs), or none until both are deployed' });
    }
  }
  if (!spec.deletionProtection && !spec.allowDataLossOnDelete) {
    problems.push({ property: 'deletionProtection', message: 'deletionProtection is false, which lets a delete of the stack (or the cluster) delete the data', fix: 'remove deletionProtection (default true), or also set allowDataLossOnDelete: true to accept it' });
  }
  return problems;
}
