/**
 * Deployment-time configuration of the Google Cloud examples, from the
 * environment (cdktf has no `-c` context flag without its CLI):
 *
 *   GCP_PROJECT=my-project GCP_PRIMARY_REGION=us-central1 \
 *   GCP_REPLICA_REGIONS=europe-west1,asia-southeast1 \
 *   GCP_NOTIFICATION_CHANNEL=projects/my-project/notificationChannels/123 \
 *   GCP_DNS_ZONE=prod-zone GCP_DNS_NAME=example.com. \
 *   GCP_PROVIDER_VERSION='>= 6.50.0, < 8.0.0' \
 *   GCP_DR_REPLICA_DESIGNATED=true \
 *   npx ts-node --transpile-only examples/gcp/main.ts
 *
 * Every value has a default so the examples synthesize with no credentials
 * and no network: primary us-central1, replica europe-west1.
 */
import { parseRegionList } from '../../lib/core';

export interface GcpExampleConfig {
  readonly project: string;
  readonly primaryRegion: string;
  readonly replicaRegions: readonly string[];
  readonly notificationChannels: readonly string[];
  readonly dnsZone: string;
  readonly dnsName: string;
  /** Public application endpoints per region (placeholders from TEST-NET ranges). */
  readonly endpoints: Readonly<Record<string, string>>;
  readonly providerVersion?: string;
  /**
   * Phases 3–4: the DR replica exists, so the primary may designate it
   * (second apply of the primary stack; see PrimaryRegionProps.drReplicaDesignated).
   */
  readonly drReplicaDesignated: boolean;
}

export const GCP_EXAMPLE_DEFAULTS: GcpExampleConfig = {
  project: 'example-project',
  primaryRegion: 'us-central1',
  replicaRegions: ['europe-west1'],
  notificationChannels: ['projects/example-project/notificationChannels/1234567890'],
  dnsZone: 'example-zone',
  dnsName: 'example.com.',
  endpoints: {},
  drReplicaDesignated: false,
};

/** Reads the configuration from `env`, falling back to the defaults. */
export function readGcpExampleConfig(env: NodeJS.ProcessEnv = process.env): GcpExampleConfig {
  const d = GCP_EXAMPLE_DEFAULTS;
  const primaryRegion = env.GCP_PRIMARY_REGION || d.primaryRegion;
  const replicaRegions = env.GCP_REPLICA_REGIONS ? parseRegionList(env.GCP_REPLICA_REGIONS) : d.replicaRegions;
  const endpoints: Record<string, string> = {};
  // Documentation addresses (RFC 5737), one per region, unless GCP_ENDPOINTS=region=ip,... is set.
  [primaryRegion, ...replicaRegions].forEach((r, i) => { endpoints[r] = `203.0.113.${10 + i}`; });
  for (const pair of parseRegionList(env.GCP_ENDPOINTS)) {
    const [region, ip] = pair.split('=');
    if (region && ip) endpoints[region] = ip;
  }
  return {
    project: env.GCP_PROJECT || d.project,
    primaryRegion,
    replicaRegions,
    notificationChannels: env.GCP_NOTIFICATION_CHANNEL ? [env.GCP_NOTIFICATION_CHANNEL] : d.notificationChannels,
    dnsZone: env.GCP_DNS_ZONE || d.dnsZone,
    dnsName: env.GCP_DNS_NAME || d.dnsName,
    endpoints,
    providerVersion: env.GCP_PROVIDER_VERSION || undefined,
    drReplicaDesignated: env.GCP_DR_REPLICA_DESIGNATED === 'true',
  };
}
