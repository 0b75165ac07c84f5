/**
 * Issue 11, "bad input": each case through the real binary, asserting the
 * line and column, the message and the fix, and exit code 1. The fixtures
 * are in test/cli/fixtures; the 2 MB file and the alias bomb are written at
 * run time (test/cli/limits.test.ts).
 */
import { multiregion } from './binary';

const FIX = 'test/cli/fixtures';

function validate(file: string): { status: number | null; lines: string[] } {
  const r = multiregion(['validate', `${FIX}/${file}`]);
  return { status: r.status, lines: r.stdout.trim().split('\n') };
}

test.each([
  ['not-yaml.yaml', 'not-yaml.yaml:5:1 error not valid YAML: Flow map in block collection must be sufficiently indented and end with a }; check the indentation and the brackets and quotes around this place (spaces, not tabs)'],
  ['empty.yaml', 'empty.yaml:1:1 error the file is empty; start it with apiVersion: multiregion/v1 (docs/config.md has a complete example)'],
  ['wrong-api-version.yaml', "wrong-api-version.yaml:1:13 error apiVersion 'multiregion/v2' is not a version this release reads; set apiVersion: multiregion/v1, or use the release of multiregion-constructs the file was written for"],
  ['unknown-key.yaml', "unknown-key.yaml:13:3 error replication.lagAlarms is not a key of replication; did you mean 'lagAlarm'? replication has lagAlarm"],
  ['two-primaries.yaml', "two-primaries.yaml:11:11 error regions[1].role 'primary': eu-west-1 would be a second writer, but us-east-1 (regions[0]) is the primary and phases 1–4 have exactly one; set role: replica or role: standby (several writers are phase 5, with mode: geo-partitioned or active-active)"],
  ['no-primary.yaml', 'no-primary.yaml:7:3 error regions has no region with role: primary; set role: primary on the region that takes the writes today (exactly one)'],
  ['region-twice.yaml', "region-twice.yaml:12:11 error regions[2].name 'eu-west-1' is listed twice (also regions[1]); list each region once"],
  ['unknown-region.yaml', "unknown-region.yaml:10:11 error regions[1].name 'eu-west-1' is an AWS region, but cloud is gcp; use a Google Cloud region such as 'us-central1'"],
  ['duration-without-unit.yaml', 'duration-without-unit.yaml:13:8 error objectives.rpo 30 has no unit; write 30s (seconds), 30m (minutes), 30h (hours) or 30d (days)'],
  ['rpo-below-engine.yaml', 'rpo-below-engine.yaml:16:8 error objectives.rpo 2s is below the typical replication lag of 5 s (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html): replication is asynchronous, so an unplanned failover loses recent writes; raise objectives.rpo to 5s or more (only a planned switchover has RPO 0)'],
  ['residency-excludes-primary.yaml', "residency-excludes-primary.yaml:14:21 error residency[0] 'user_pii' excludes the primary region us-east-1, where every write is stored; allow us-east-1 in residency[0].allowedRegions, or keep this class's data out of this deployment (phase 5 with mode: geo-partitioned gives it partitions whose regions the class allows)"],
  ['phase-3-without-routing.yaml', 'phase-3-without-routing.yaml:5:8 error phase 3 (active-passive with a tested failover) routes the writes through DNS and fails them over, but routing is missing; add routing: { zone: example.com, managedZone: prod-zone } and an endpoint for the primary and the standby (docs/config.md#routing), or set phase: 2'],
  ['bad.json', 'bad.json:8:47 error regions[0].zones is not a key of regions[0]; write availabilityZones instead'],
])('%s: file:line:col, message and fix, exit 1', (file, expected) => {
  const { status, lines } = validate(file);
  expect(lines).toContain(`${FIX}/${expected}`);
  expect(status).toBe(1);
});

test('every problem of a file at once, in file order, with the count', () => {
  const r = multiregion(['validate', `${FIX}/two-primaries.yaml`, `${FIX}/region-twice.yaml`, `${FIX}/valid.json`]);
  expect(r.status).toBe(1);
  expect(r.stdout.trim().split('\n').pop()).toBe('3 files: 2 errors, 0 warnings (1 valid)');
});

test('a JSON file is read with positions too, and a valid one passes (exit 0)', () => {
  const r = multiregion(['validate', `${FIX}/valid.json`]);
  expect(r.stdout).toBe(`${FIX}/valid.json: 0 errors, 0 warnings\n`);
  expect(r.status).toBe(0);
});
