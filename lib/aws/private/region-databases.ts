/**
 * The database of each region of a deployment, seen the same way whatever
 * its role: the origin region's {@link PrimaryRegion} and every
 * {@link ReadReplicaRegion}. After a switchover or a failover any of them can
 * hold the writer and any of them can be a secondary, so what follows a role
 * (alarms a secondary needs, the RPO parameter of the writer) is created per
 * region, in that region's own stack, under a logical id that names no role.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { PrimaryRegion } from '../primary-region';
import type { ReadReplicaRegion } from '../read-replica-region';
import { GlobalLagMetricOptions } from './metrics';

/** One region's database, role-agnostic. */
export interface RegionDatabase {
  readonly region: string;
  /** The construct the region's alarms are created in (its stack is the region's). */
  readonly scope: Construct;
  readonly clusterIdentifier: string;
  /** Whether the region has instances (a headless secondary has none). */
  readonly servesReads: boolean;
  /** Replication-lag alarm threshold of the region (while it is a secondary). */
  readonly replicationLagThreshold: Duration;
  /** `AuroraGlobalDBReplicationLag` into this region's cluster (data only while it is a secondary). */
  metricReplicationLag(options?: GlobalLagMetricOptions): cloudwatch.Metric;
  /** `AuroraGlobalDBRPOLag` of this region's cluster (data only while it is a secondary). */
  metricRpoLag(options?: GlobalLagMetricOptions): cloudwatch.Metric;
  /** Sets a parameter in the region's cluster parameter group. */
  addClusterParameter(name: string, value: string): void;
}

/** Every region's database: the origin first, then the replicas in their order. */
export function regionDatabases(primary: PrimaryRegion, replicas: readonly ReadReplicaRegion[]): RegionDatabase[] {
  return [{
    region: primary.region,
    scope: primary,
    clusterIdentifier: primary.clusterIdentifier,
    servesReads: true,
    replicationLagThreshold: primary.replicationLagThreshold,
    metricReplicationLag: (o) => primary.metricReplicationLag(primary.region, o),
    metricRpoLag: (o) => primary.metricRpoLag(primary.region, o),
    addClusterParameter: (name, value) => {
      if (!primary.addClusterParameter(name, value)) {
        throw new Error(`PrimaryRegion '${primary.node.path}': the cluster has no parameter group of its own, so ${name} cannot be set`);
      }
    },
  }, ...replicas.map((r): RegionDatabase => ({
    region: r.region,
    scope: r,
    clusterIdentifier: r.clusterIdentifier,
    servesReads: r.servesReads,
    replicationLagThreshold: r.replicationLagThreshold,
    metricReplicationLag: (o) => r.metricReplicationLag(o),
    metricRpoLag: (o) => r.metricRpoLag(o),
    addClusterParameter: (name, value) => r.addClusterParameter(name, value),
  }))];
}
