/**
 * The manual command that makes `region` the primary of the write record's
 * failover policy, per target kind.
 *
 * `gcloud dns record-sets update` (https://cloud.google.com/sdk/gcloud/reference/dns/record-sets/update)
 * has two mutually exclusive health-check modes, and the data flags mean
 * different things in each (googlecloudsdk/command_lib/dns/resource_record_sets.py):
 *
 * - public endpoints: `--health-check=NAME`; `--routing-policy-primary-data`
 *   must be IP addresses (external endpoints); backups only through
 *   `--routing-policy-backup-item=location=REGION,external_endpoints=IP;IP`
 *   ("--health-check can only be set alongside --routing-policy-backup-item");
 * - internal load balancers: `--enable-health-checking`;
 *   `--routing-policy-primary-data` must be forwarding rules
 *   (`NAME@REGION`, `NAME@global` or a full resource path), never IPs, and
 *   backup items name them with `internal_load_balancers=`.
 *
 * An internal load balancer given only by IP (no forwarding rule name) cannot
 * be expressed with gcloud, so the command is a Cloud DNS REST PATCH of the
 * same policy the workflow writes.
 */
import { GlobalRouter, RouterTargetInRegion } from '../global-router';

/** The lines of a shell command, joined with line continuations. */
function lines(parts: string[]): string {
  return parts.join(' \\\n  ');
}

function forwardingRule(t: RouterTargetInRegion): string | undefined {
  const lb = t.internalLoadBalancer;
  if (!lb?.forwardingRule) return undefined;
  if (lb.forwardingRule.includes('@') || lb.forwardingRule.startsWith('projects/') || lb.forwardingRule.startsWith('https://')) return lb.forwardingRule;
  return `${lb.forwardingRule}@${(lb.loadBalancerType ?? 'regionalL4ilb') === 'globalL7ilb' ? 'global' : t.region}`;
}

/** The command that re-points the write record of `router` at `region`. */
export function writeRecordCommand(router: GlobalRouter, region: string): string {
  const target = router.targets.find((t) => t.region === region)!;
  const backups = router.targets.filter((t) => t !== target);
  const head = [
    `gcloud dns record-sets update ${router.writeHostname}`,
    `--type=${router.recordType} --ttl=${router.ttl} --zone=${router.managedZone} --project=${router.project}`,
    '--routing-policy-type=FAILOVER',
  ];
  const trickle = router.trickleRatio > 0 ? [`--backup-data-trickle-ratio=${router.trickleRatio}`] : [];

  if (!target.internalLoadBalancer) {
    return lines([
      ...head,
      `--routing-policy-primary-data=${target.ipAddress}`,
      '--routing-policy-backup-data-type=GEO',
      ...backups.map((t) => `--routing-policy-backup-item=location=${t.region},external_endpoints=${t.ipAddress}`),
      ...trickle,
      `--health-check=${router.healthCheckName}`,
    ]);
  }

  const rules = router.targets.map(forwardingRule);
  if (rules.every((r) => r !== undefined)) {
    return lines([
      ...head,
      `--routing-policy-primary-data=${forwardingRule(target)}`,
      '--routing-policy-backup-data-type=GEO',
      ...backups.map((t) => `--routing-policy-backup-item=location=${t.region},internal_load_balancers=${forwardingRule(t)}`),
      ...trickle,
      '--enable-health-checking',
    ]);
  }

  const url = `https://dns.googleapis.com/dns/v1/projects/${router.project}/managedZones/${router.managedZone}/rrsets/${router.writeHostname}/${router.recordType}`;
  const body = { name: router.writeHostname, type: router.recordType, ttl: router.ttl, routingPolicy: router.writePolicyFor(region) };
  return lines([
    `curl -sS -X PATCH "${url}"`,
    '-H "Authorization: Bearer $(gcloud auth print-access-token)" -H "Content-Type: application/json"',
    `--data '${JSON.stringify(body)}'`,
  ]);
}
