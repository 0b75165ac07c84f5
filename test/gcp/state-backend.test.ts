/**
 * The deployment's own state survives the region it protects against: a GCS
 * backend per stack, a bucket that is checked (name, location, and not the
 * region a stack must survive), a recommended bootstrap bucket, and a runbook
 * that says where the state is and what works during the outage.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import {
  checkBucketName, describeStateLocation, FailoverRunbook, GlobalRouter, PrimaryRegion, ReadReplicaRegion, StateBucket, useGcsStateBackend,
} from '../../lib/gcp';
import { errorOf, only, PROJECT } from './helpers';

const G = (stack: string) => `GcsStateBackend '${stack}': `;

describe('useGcsStateBackend', () => {
  test('one gcs backend per stack, prefix = the stack name by default, no local path', () => {
    const stack = new TerraformStack(Testing.app(), 'orders-router');
    useGcsStateBackend(stack, { bucket: { name: 'acme-orders-tfstate', location: 'US' } });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.terraform.backend).toEqual({ gcs: { bucket: 'acme-orders-tfstate', prefix: 'orders-router' } });
    expect(describeStateLocation(stack)).toBe('gs://acme-orders-tfstate/orders-router/default.tfstate (US, multi-region)');
    expect(errorOf(() => useGcsStateBackend(stack, { bucket: { name: 'acme-orders-tfstate', location: 'US' } }))).toBe(
      `${G('orders-router')}the stack already has a state backend; call useGcsStateBackend once per stack`);
  });

  test('a bad prefix', () => {
    const stack = new TerraformStack(Testing.app(), 'S');
    expect(errorOf(() => useGcsStateBackend(stack, { bucket: { name: 'acme-tfstate', location: 'US' }, prefix: '/abs' }))).toBe(
      `${G('S')}prefix '/abs' is not a plain object prefix; use letters, digits, '.', '_', '-' and inner '/', e.g. 'orders/router'`);
  });

  describe('bucket names follow the Cloud Storage rules (https://cloud.google.com/storage/docs/buckets#naming)', () => {
    test.each([
      'abc', 'a'.repeat(63), 'acme_orders-tfstate-01', 'state.acme.example', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(30)}`,
    ])('valid: %s', (name) => {
      expect(checkBucketName(name)).toEqual([]);
    });

    test.each([
      ['ab', 'it has 2 characters, not 3–63'],
      ['a'.repeat(64), 'it has 64 characters, not 3–63'],
      ['Acme-State', 'only lowercase letters, digits, dashes, underscores and dots are allowed'],
      ['acme state', 'only lowercase letters, digits, dashes, underscores and dots are allowed'],
      ['-acme', 'it must start and end with a letter or a digit'],
      ['acme_', 'it must start and end with a letter or a digit'],
      ['192.168.5.4', 'it looks like an IP address'],
      ['goog-state', "it starts with 'goog'"],
      ['my-google-state', "it contains 'google' or a close misspelling"],
      ['my-g00gle-state', "it contains 'google' or a close misspelling"],
      ['a..b', 'a dotted name has at most 222 characters and dot-separated parts of 1–63'],
      [`${'a'.repeat(64)}.b`, 'a dotted name has at most 222 characters and dot-separated parts of 1–63'],
    ])('invalid: %s', (name, why) => {
      expect(checkBucketName(name).map((p) => p.message)).toContain(`bucket.name '${name}' is not a valid Cloud Storage bucket name: ${why}`);
    });

    test('the message names the construct, the value and the fix', () => {
      expect(errorOf(() => useGcsStateBackend(new TerraformStack(Testing.app(), 'S'), { bucket: { name: 'My_State', location: 'US' } }))).toBe(
        `${G('S')}bucket.name 'My_State' is not a valid Cloud Storage bucket name: only lowercase letters, digits, dashes, underscores and dots are allowed; use 3–63 lowercase letters, digits, dashes and underscores, starting and ending with a letter or digit, e.g. 'acme-orders-tfstate'`);
    });
  });

  test.each(['US', 'eu', 'ASIA', 'NAM4', 'eur4', 'us-east1'])('known location %s', (location) => {
    expect(() => useGcsStateBackend(new TerraformStack(Testing.app(), 'S'), { bucket: { name: 'acme-tfstate', location } })).not.toThrow();
  });

  test('unknown locations and bad configurable dual-regions', () => {
    expect(errorOf(() => useGcsStateBackend(new TerraformStack(Testing.app(), 'S'), { bucket: { name: 'acme-tfstate', location: 'MOON' } }))).toBe(
      `${G('S')}bucket.location 'MOON' is not a Cloud Storage location; use a multi-region (ASIA, EU, US), a dual-region (ASIA1, EUR4, EUR5, EUR7, EUR8, NAM4) or a region such as 'us-east1'`);
    expect(errorOf(() => useGcsStateBackend(new TerraformStack(Testing.app(), 'S'), { bucket: { name: 'acme-tfstate', location: 'us-east1', dataLocations: ['us-east1'] } }))).toBe(
      `${G('S')}bucket.dataLocations ['us-east1'] with location 'us-east1' is not a configurable dual-region; give exactly two regions of one multi-region, with that multi-region as location, e.g. location 'US' and dataLocations ['us-central1', 'us-east1']`);
    const ok = new TerraformStack(Testing.app(), 'D');
    useGcsStateBackend(ok, { bucket: { name: 'acme-tfstate', location: 'US', dataLocations: ['us-central1', 'us-east1'] } });
    expect(describeStateLocation(ok)).toBe('gs://acme-tfstate/D/default.tfstate (US us-central1+us-east1, dual-region)');
  });
});

describe('a stack\'s state must not be in the region the stack must survive', () => {
  function deployment(bucketLocation: (stack: string) => string | undefined, backendFirst: boolean) {
    const app = new App();
    const stacks = ['primary', 'replica', 'router', 'runbook'].map((id) => new TerraformStack(app, `orders-${id}`));
    const backends = () => stacks.forEach((s) => {
      const location = bucketLocation(s.node.id);
      if (location) useGcsStateBackend(s, { bucket: { name: 'acme-tfstate', location } });
    });
    if (backendFirst) backends();
    const primary = new PrimaryRegion(stacks[0], 'Db', { project: PROJECT, region: 'us-central1', replicaRegions: ['europe-west1'], phase: 3, instanceName: 'orders' });
    const replica = new ReadReplicaRegion(stacks[1], 'Db', { primary, region: 'europe-west1' });
    const router = new GlobalRouter(stacks[2], 'Router', { primary, managedZone: 'zone', zoneDnsName: 'example.com.', targets: [{ region: 'us-central1', ipAddress: '203.0.113.10' }, { region: 'europe-west1', ipAddress: '203.0.113.11' }] });
    const runbook = new FailoverRunbook(stacks[3], 'Runbook', { primary, replica, router, workflowName: 'orders-failover' });
    if (!backendFirst) backends();
    return { stacks, runbook };
  }

  test.each([
    ['orders-runbook', "the runbook 'orders-runbook/Runbook' is what runs when us-central1 is lost"],
    ['orders-router', "the router 'orders-router/Router' moves writes away from us-central1 when it is lost"],
    ['orders-replica', "the replica 'orders-replica/Db' is promoted when us-central1 is lost"],
  ])('%s in us-central1 (the primary region) is refused at synth, whichever comes first', (stack, why) => {
    const expected = `${G(stack)}bucket.location 'us-central1' is the region this stack must survive: ${why}; with its state in us-central1, nobody can plan or apply this stack while us-central1 is down; keep the state in a dual-region or multi-region bucket (e.g. 'US', 'EU' or 'NAM4'), or in a region other than 'us-central1'`;
    for (const backendFirst of [true, false]) {
      expect(errorOf(() => deployment((s) => (s === stack ? 'us-central1' : 'US'), backendFirst))).toBe(expected);
    }
  });

  test('the primary stack in its own region: a warning, not an error (it is not changed during the outage)', () => {
    const { stacks } = deployment((s) => (s === 'orders-primary' ? 'US-CENTRAL1' : 'US'), true);
    const warnings = stacks[0].node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data);
    expect(warnings).toEqual([
      "GcsStateBackend 'orders-primary': bucket.location 'US-CENTRAL1' is a single region that holds the primary of 'orders-primary/Db', whose stack the role swap after a failover changes; prefer a dual-region or multi-region state bucket",
    ]);
  });

  test.each(['US', 'NAM4', 'us-east1', 'europe-west1'])('%s for every stack is accepted', (location) => {
    expect(() => deployment(() => location, true)).not.toThrow();
  });

  test('the runbook says where each stack\'s state is, and what works while the primary region is lost', () => {
    const { runbook } = deployment(() => 'US', true);
    const md = runbook.markdown;
    const section = md.slice(md.indexOf('## Deployment state and what works during an outage'));
    for (const [id, role] of [['primary', 'us-central1, primary'], ['replica', 'europe-west1, standby'], ['router', 'router'], ['runbook', 'runbook']]) {
      expect(section).toContain(`| Terraform state of orders-${id} (${role}) | \`gs://acme-tfstate/orders-${id}/default.tfstate (US, multi-region)\` |`);
    }
    expect(section).toContain('### While us-central1 is lost');
    const works = section.slice(section.indexOf('**Still works:**'), section.indexOf('**Does not work'));
    const not = section.slice(section.indexOf('**Does not work'));
    expect(works).toContain('The failover workflow orders-failover in europe-west1');
    expect(works).toContain('gcloud workflows run orders-failover --project=test-project --location=europe-west1');
    expect(works).toContain('terraform plan / apply of orders-router');
    expect(works).toContain('terraform -chdir=cdktf.out/stacks/orders-runbook plan');
    expect(not).toContain('terraform plan / apply of orders-primary (the stack of us-central1)');
    expect(not).toContain('terraform apply of orders-replica before the configuration is swapped');
    expect(not).toContain('Anything on the primary orders or other resources in us-central1');
  });

  test('local state (no backend) is reported as not usable during the outage', () => {
    const { runbook } = deployment(() => undefined, true);
    const not = runbook.markdown.slice(runbook.markdown.indexOf('**Does not work'));
    expect(runbook.markdown).toContain('| Terraform state of orders-router (router) | `local file terraform.orders-router.tfstate on the machine that ran terraform');
    expect(not).toContain('terraform of orders-router — its state is a local file');
  });
});

describe('StateBucket (the bootstrap bucket)', () => {
  test('versioning, uniform bucket-level access, public access prevention, never destroyed by Terraform, storage API enabled', () => {
    const stack = new TerraformStack(Testing.app(), 'state');
    const b = new StateBucket(stack, 'State', { project: PROJECT, name: 'acme-tfstate', location: 'us', dataLocations: ['us-central1', 'us-east1'] });
    expect(b.spec).toEqual({ name: 'acme-tfstate', location: 'us', dataLocations: ['us-central1', 'us-east1'] });
    const json = JSON.parse(Testing.synth(stack));
    expect(only(json, 'google_storage_bucket')).toMatchObject({
      name: 'acme-tfstate', location: 'US', custom_placement_config: { data_locations: ['US-CENTRAL1', 'US-EAST1'] },
      versioning: { enabled: true }, uniform_bucket_level_access: true, public_access_prevention: 'enforced', force_destroy: false,
      lifecycle: { prevent_destroy: true },
      lifecycle_rule: [{ action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 365, with_state: 'ARCHIVED' } }],
    });
    expect(Object.values(json.resource.google_project_service).map((s: any) => s.service)).toContain('storage.googleapis.com');
  });

  test('bad input', () => {
    expect(errorOf(() => new StateBucket(new TerraformStack(Testing.app(), 'S'), 'State', { project: PROJECT, name: 'goog-state', location: 'US' }))).toBe(
      "StateBucket 'S/State': name 'goog-state' is not a valid Cloud Storage bucket name: it starts with 'goog'; choose a name that does not start with 'goog'");
  });
});
