/**
 * PrimaryRegion's synth-time checks, in one place: topology, engine,
 * instance class, phase-1 hardening, identifiers, instance count, the
 * writer's region, the network.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { checkWriteMode, ConfigProblem, show, TopologySpec, validateHardening, validateTopology } from '../../core';
import type { PrimaryRegionProps } from '../primary-region';
import { checkEngine, checkInstanceType, checkPrimaryInstanceCount, DB_IDENTIFIER } from './aurora-rules';
import { AWS_PROFILE, AWS_WORDS, AWS_WRITE_MODE_WORDS, wholeDays } from './aws-profile';
import { IdentifierScheme } from './identifiers';
import { checkNetwork } from './network';

/** The values the checks need, with every default resolved. */
export interface ResolvedPrimary {
  readonly spec: TopologySpec;
  readonly engine: rds.IClusterEngine;
  readonly isGlobal: boolean;
  readonly instances: number;
  readonly instanceType: ec2.InstanceType;
  readonly backupRetention: Duration;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly globalId: string;
  readonly identifiers: IdentifierScheme;
  readonly writerRegion: string;
  /** Whether the master secret is rotated (the rotation function needs egress). */
  readonly rotates: boolean;
}

/** Every problem with a PrimaryRegion's props, at once. */
export function primaryRegionProblems(scope: Construct, props: PrimaryRegionProps, r: ResolvedPrimary): ConfigProblem[] {
  const region = r.spec.primaryRegion;
  const replicaRegions = r.spec.replicaRegions ?? [];
  const phase = r.spec.phase ?? (replicaRegions.length > 0 ? 2 : 1);
  const problems: ConfigProblem[] = [
    ...validateTopology(r.spec, AWS_PROFILE),
    ...checkEngine(r.engine, r.isGlobal),
    ...checkInstanceType(r.instanceType, r.isGlobal),
    ...validateHardening({
      instanceCount: r.instances,
      singleInstanceAllowed: props.allowSingleInstance ?? false,
      backupRetentionDays: wholeDays(r.backupRetention),
      pointInTimeRecovery: props.pointInTimeRecovery ?? true,
      deletionProtection: r.deletionProtection,
      deletesDataOnRemoval: r.removalPolicy === RemovalPolicy.DESTROY,
      dataLossOnDeleteAllowed: props.allowDataLossOnDelete ?? false,
      storageEncrypted: props.storageEncrypted ?? true,
    }, [1, 2, 3, 4, 5].includes(phase) ? phase : 1, AWS_PROFILE, AWS_WORDS),
  ];
  if (!DB_IDENTIFIER.test(r.globalId)) {
    problems.push({
      property: 'globalClusterIdentifier',
      message: `globalClusterIdentifier ${show(r.globalId)} is not a valid identifier`,
      fix: 'use 1–63 lowercase letters, digits and single hyphens, starting with a letter (the region and the instance number are appended, so regions need room too)',
    });
  } else {
    // Instance counts of the replicas are checked by each ReadReplicaRegion; one here.
    problems.push(...r.identifiers.check('globalClusterIdentifier', [region, ...replicaRegions], { [region]: r.instances }));
  }
  problems.push(...checkPrimaryInstanceCount(r.instances, r.isGlobal ? replicaRegions.length : 0));
  if (r.writerRegion !== region && !replicaRegions.includes(r.writerRegion)) {
    problems.push({
      property: 'writerRegion',
      message: `writerRegion ${show(r.writerRegion)} is not a region of the deployment (this region ${show(region)}, replicaRegions ${show(replicaRegions)})`,
      fix: replicaRegions.length > 0
        ? `set writerRegion to the region that holds the writer after the switchover or failover: ${[region, ...replicaRegions].map((x) => `'${x}'`).join(' or ')} (the writer can only move to a secondary of the global database)`
        : `remove writerRegion, or add '${r.writerRegion}' to replicaRegions first: a single-region database writes in its own region`,
    });
  }
  problems.push(...writeModeProblems(props.writeMode, phase));
  problems.push(...checkNetwork(scope, props, r.rotates));
  return problems;
}

/**
 * Phase 5 needs an explicit write mode (core's rule: present, known, never
 * last-write-wins); an Aurora global database has one writer, so a
 * PrimaryRegion can only be a partition's home.
 */
function writeModeProblems(writeMode: unknown, phase: number): ConfigProblem[] {
  if (phase !== 5) {
    return writeMode === undefined ? [] : [{
      property: 'writeMode',
      message: `writeMode ${show(writeMode)} is set, but phase ${phase} writes in one region`,
      fix: 'remove writeMode, or set phase: 5',
    }];
  }
  const problems = checkWriteMode(writeMode, AWS_PROFILE, AWS_WRITE_MODE_WORDS, 'writeMode');
  if (problems.length === 0 && writeMode === 'active-active') {
    problems.push({
      property: 'writeMode',
      message: "writeMode 'active-active' needs a writer in several regions, but an Aurora global database has one writer (its secondaries are read-only)",
      fix: "use ActiveActiveDatabase (Aurora DSQL, peered clusters with a witness Region) for strongly consistent writes in several regions, or split the data into partitions with GeoPartitionedDatabase (writeMode 'geo-partitioned', one home region per partition)",
    });
  }
  return problems;
}
