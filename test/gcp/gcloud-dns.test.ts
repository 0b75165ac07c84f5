/**
 * The manual runbook's DNS command, checked against the gcloud synopsis of
 * `gcloud dns record-sets update` and the argument rules gcloud enforces.
 *
 * Synopsis (https://cloud.google.com/sdk/gcloud/reference/dns/record-sets/update, GA):
 *
 *   gcloud dns record-sets update DNS_NAME --type=TYPE --zone=ZONE, -z ZONE
 *     (--rrdatas=[RRDATA,…] | [--routing-policy-type=ROUTING_POLICY_TYPE
 *       (--routing-policy-data=ROUTING_POLICY_DATA | --routing-policy-item=[ROUTING_POLICY_ITEM,…]
 *        | [--routing-policy-backup-data-type=ROUTING_POLICY_BACKUP_DATA_TYPE
 *           --routing-policy-primary-data=ROUTING_POLICY_PRIMARY_DATA
 *           (--routing-policy-backup-data=ROUTING_POLICY_BACKUP_DATA | --routing-policy-backup-item=[ROUTING_POLICY_BACKUP_ITEM,…])
 *           : --backup-data-trickle-ratio=BACKUP_DATA_TRICKLE_RATIO])
 *       : --enable-geo-fencing --enable-health-checking | --health-check=HEALTH_CHECK])
 *     [--location=LOCATION] [--ttl=TTL] [GCLOUD_WIDE_FLAG …]
 *
 * Rules from googlecloudsdk/command_lib/dns/resource_record_sets.py
 * (CreateRecordSetFromArgs / ParseRoutingPolicy): a FAILOVER policy needs
 * --enable-health-checking or --health-check; with --health-check the primary
 * data must be IP addresses and backups must use --routing-policy-backup-item
 * (not --routing-policy-backup-data) with external_endpoints; with
 * --enable-health-checking the primary data must be forwarding rules and
 * external endpoints are refused.
 */
import { TerraformStack, Testing } from 'cdktf';
import { FailoverRunbook, GlobalRouter, PrimaryRegion, ReadReplicaRegion, RouterTarget } from '../../lib/gcp';
import { PROJECT } from './helpers';

const SYNOPSIS_FLAGS = new Set([
  '--type', '--zone', '-z', '--rrdatas', '--routing-policy-type', '--routing-policy-data', '--routing-policy-item',
  '--routing-policy-backup-data-type', '--routing-policy-primary-data', '--routing-policy-backup-data', '--routing-policy-backup-item',
  '--backup-data-trickle-ratio', '--enable-geo-fencing', '--enable-health-checking', '--health-check', '--location', '--ttl',
  // GCLOUD_WIDE_FLAG
  '--project', '--account', '--format', '--quiet', '--verbosity',
]);

const IP = /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-f:]+:[0-9a-f:]*$/i;

/** Splits a shell command (line continuations, single quotes) into words. */
function words(command: string): string[] {
  const flat = command.replace(/\\\n\s*/g, ' ');
  return [...flat.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** Checks a `gcloud dns record-sets update` command; returns the problems. */
function synopsisProblems(command: string): string[] {
  const w = words(command);
  const problems: string[] = [];
  if (w.slice(0, 4).join(' ') !== 'gcloud dns record-sets update') return ['not gcloud dns record-sets update'];
  if (!w[4] || w[4].startsWith('-')) problems.push('DNS_NAME missing');
  const flags = new Map<string, string[]>();
  for (const word of w.slice(5)) {
    const [name, ...rest] = word.split('=');
    if (!SYNOPSIS_FLAGS.has(name)) problems.push(`unknown flag ${name}`);
    flags.set(name, [...(flags.get(name) ?? []), rest.join('=')]);
  }
  const has = (f: string) => flags.has(f);
  const once = (f: string) => (flags.get(f) ?? [])[0];
  for (const [f, values] of flags) if (values.length > 1 && f !== '--routing-policy-backup-item') problems.push(`${f} given ${values.length} times`);
  if (!has('--type')) problems.push('--type is required');
  if (!has('--zone') && !has('-z')) problems.push('--zone is required');
  if (has('--rrdatas') === has('--routing-policy-type')) problems.push('exactly one of --rrdatas and --routing-policy-type');
  if (has('--enable-health-checking') && has('--health-check')) problems.push('--enable-health-checking and --health-check are mutually exclusive');
  if (once('--routing-policy-type') === 'FAILOVER') {
    for (const f of ['--routing-policy-backup-data-type', '--routing-policy-primary-data']) if (!has(f)) problems.push(`${f} is required with FAILOVER`);
    if (has('--routing-policy-backup-data') === has('--routing-policy-backup-item')) problems.push('exactly one of --routing-policy-backup-data and --routing-policy-backup-item');
    if (!has('--enable-health-checking') && !has('--health-check')) problems.push('Failover policy needs --enable-health-checking or --health-check');
    const primary = (once('--routing-policy-primary-data') ?? '').split(',');
    const items = (flags.get('--routing-policy-backup-item') ?? []).map((i) => Object.fromEntries(i.split(',').map((kv) => kv.split('='))));
    if (has('--health-check')) {
      if (has('--routing-policy-backup-data')) problems.push('--health-check can only be set alongside --routing-policy-backup-item');
      if (!primary.every((p) => IP.test(p))) problems.push('The primary data should be a list of IP addresses');
      if (items.some((i) => i.internal_load_balancers)) problems.push('--health-check cannot be specified alongside internal load balancers');
      if (!items.every((i) => i.location && (i.external_endpoints ?? '').split(';').every((x: string) => IP.test(x)))) problems.push('backup items need a location and external_endpoints IPs');
    }
    if (has('--enable-health-checking')) {
      if (!primary.every((p) => !IP.test(p))) problems.push('The primary data should be a list of forwarding rules');
      if (items.some((i) => i.external_endpoints)) problems.push('When --enable-health-checking is specified you cannot specify health checked ips');
      if (!items.every((i) => i.location && i.internal_load_balancers)) problems.push('backup items need a location and internal_load_balancers');
    }
  }
  return problems;
}

function runbookFor(targets: RouterTarget[], trickleRatio?: number) {
  const stack = new TerraformStack(Testing.app(), 'S');
  const primary = new PrimaryRegion(stack, 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1', 'asia-southeast1'], phase: 3, instanceName: 'orders' });
  const replica = new ReadReplicaRegion(stack, 'Replica', { primary, region: 'europe-west1' });
  const router = new GlobalRouter(stack, 'Router', { primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets, trickleRatio });
  const runbook = new FailoverRunbook(stack, 'Runbook', { primary, replica, router });
  const step = runbook.model.procedures.find((p) => p.id === 'manual-failover')!.steps.find((s) => s.kind === 'traffic-shift')!;
  return { router, command: step.commands![0].command, markdown: runbook.markdown };
}

const network = `projects/${PROJECT}/global/networks/orders-vpc`;

describe('the synopsis check can fail', () => {
  test.each([
    ['--enable-health-checking with IP addresses (the old command)', "gcloud dns record-sets update w.example.com. --type=A --ttl=30 --zone=z --routing-policy-type=FAILOVER --enable-health-checking --routing-policy-primary-data=203.0.113.11 --routing-policy-backup-data-type=GEO --routing-policy-backup-data='us-central1=203.0.113.10'", 'The primary data should be a list of forwarding rules'],
    ['--health-check with --routing-policy-backup-data', "gcloud dns record-sets update w.example.com. --type=A --zone=z --routing-policy-type=FAILOVER --routing-policy-primary-data=203.0.113.11 --routing-policy-backup-data-type=GEO --routing-policy-backup-data='us-central1=203.0.113.10' --health-check=hc", '--health-check can only be set alongside --routing-policy-backup-item'],
    ['both health-check modes', 'gcloud dns record-sets update w.example.com. --type=A --zone=z --routing-policy-type=FAILOVER --routing-policy-primary-data=203.0.113.11 --routing-policy-backup-data-type=GEO --routing-policy-backup-item=location=us-central1,external_endpoints=203.0.113.10 --health-check=hc --enable-health-checking', '--enable-health-checking and --health-check are mutually exclusive'],
    ['no health checking', 'gcloud dns record-sets update w.example.com. --type=A --zone=z --routing-policy-type=FAILOVER --routing-policy-primary-data=203.0.113.11 --routing-policy-backup-data-type=GEO --routing-policy-backup-item=location=us-central1,external_endpoints=203.0.113.10', 'Failover policy needs --enable-health-checking or --health-check'],
    ['an unknown flag', 'gcloud dns record-sets update w.example.com. --type=A --zone=z --rrdatas=1.2.3.4 --health-checking', 'unknown flag --health-checking'],
  ])('%s', (_name, command, problem) => {
    expect(synopsisProblems(command)).toContain(problem);
  });
});

describe('the generated command follows the synopsis for each target kind', () => {
  test('public endpoints: IPs as primary data, backup items with external_endpoints, --health-check naming the router health check', () => {
    const { router, command, markdown } = runbookFor([
      { region: 'us-central1', ipAddress: '203.0.113.10' }, { region: 'europe-west1', ipAddress: '203.0.113.11' }, { region: 'asia-southeast1', ipAddress: '203.0.113.12' },
    ], 0.1);
    expect(synopsisProblems(command)).toEqual([]);
    expect(router.healthCheckName).toMatch(/^mrc-hc-/);
    expect(words(command)).toEqual([
      'gcloud', 'dns', 'record-sets', 'update', 'write.example.com.', '--type=A', '--ttl=30', '--zone=zone', `--project=${PROJECT}`,
      '--routing-policy-type=FAILOVER', '--routing-policy-primary-data=203.0.113.11', '--routing-policy-backup-data-type=GEO',
      '--routing-policy-backup-item=location=us-central1,external_endpoints=203.0.113.10',
      '--routing-policy-backup-item=location=asia-southeast1,external_endpoints=203.0.113.12',
      '--backup-data-trickle-ratio=0.1', `--health-check=${router.healthCheckName}`,
    ]);
    expect(markdown).toContain(command.split('\n')[0]);
  });

  test('internal load balancers with forwarding rules: NAME@REGION as primary data, --enable-health-checking', () => {
    const { command } = runbookFor(['us-central1', 'europe-west1', 'asia-southeast1'].map((region, i) => ({
      region, internalLoadBalancer: { ipAddress: `10.0.${i}.5`, port: '443', networkUrl: network, forwardingRule: `api-${region}` },
    })));
    expect(synopsisProblems(command)).toEqual([]);
    expect(words(command).slice(9)).toEqual([
      '--routing-policy-type=FAILOVER', '--routing-policy-primary-data=api-europe-west1@europe-west1', '--routing-policy-backup-data-type=GEO',
      '--routing-policy-backup-item=location=us-central1,internal_load_balancers=api-us-central1@us-central1',
      '--routing-policy-backup-item=location=asia-southeast1,internal_load_balancers=api-asia-southeast1@asia-southeast1',
      '--enable-health-checking',
    ]);
  });

  test('internal load balancers known only by IP: the Cloud DNS REST API with the policy the workflow writes', () => {
    const { router, command } = runbookFor(['us-central1', 'europe-west1', 'asia-southeast1'].map((region, i) => ({
      region, internalLoadBalancer: { ipAddress: `10.0.${i}.5`, port: '443', networkUrl: network },
    })));
    const w = words(command);
    expect(w.slice(0, 4)).toEqual(['curl', '-sS', '-X', 'PATCH']);
    expect(w[4]).toBe(`"https://dns.googleapis.com/dns/v1/projects/${PROJECT}/managedZones/zone/rrsets/write.example.com./A"`);
    const body = JSON.parse(w[w.length - 1]);
    expect(body).toEqual({ name: 'write.example.com.', type: 'A', ttl: 30, routingPolicy: router.writePolicyFor('europe-west1') });
  });
});
