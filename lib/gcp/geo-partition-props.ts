/** The partition and network types of {@link GeoPartitionedDatabase} (geo-partitioned-database.ts). */
import type { PartitionSpec } from '../core';

/** One partition of a {@link GeoPartitionedDatabase}: core's partition and what Cloud SQL adds. */
export interface GeoPartitionSpec extends PartitionSpec {
  /**
   * The instance name of every region of the partition, role-free (create-only;
   * the same map before and after a switchover).
   * @default `<namePrefix>-<partition>-<region>` for every region
   */
  readonly instanceNames?: Readonly<Record<string, string>>;
  /**
   * A customer-managed key per region of the partition, each in its region.
   * @default Google-managed encryption
   */
  readonly encryptionKeyNames?: Readonly<Record<string, string>>;
  /**
   * Regions the partition's failover workflow is deployed in; all inside its
   * residency and at least one other than the home region.
   * @default every region of the partition
   */
  readonly runbookRegions?: readonly string[];
}

/** The VPC network the instances use (a {@link DeploymentNetwork} is one). */
export interface NetworkRef {
  /** `projects/<p>/global/networks/<name>`, with private service access configured. */
  readonly network: string;
  /**
   * Name of the reserved range Cloud SQL takes its IPs from.
   * @default - any range of the network's private service access connection
   */
  readonly allocatedIpRange?: string;
}
