/**
 * Issue 18 item 8: every message a user can trigger is in the library's
 * format (construct, path, property, value, fix), including the cases that
 * used to surface nonsense ("set instances to -4 or fewer", "1 days",
 * "not a aws region") or a foreign error (a raw TypeError, aws-cdk-lib's
 * "cannot be converted into a whole number of days").
 */
import { Duration } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { FailoverRunbook, FailoverRunbookProps, MultiRegionConfigError, PrimaryRegion, ReadReplicaRegion } from '../../lib/aws';
import { validateTopology } from '../../lib/core';
import { AWS_PROFILE } from '../../lib/aws/private/aws-profile';
import { errorOf, stacks, topo } from './helpers';

const P = "PrimaryRegion 'S-us-east-1/Database': ";

function primaryError(props: ConstructorParameters<typeof PrimaryRegion>[2]): string {
  const { stacks: [us] } = stacks('us-east-1');
  return errorOf(() => new PrimaryRegion(us, 'Database', props));
}

describe('messages in the library format', () => {
  test('20 replica regions: the count is the problem, never "set instances to -4 or fewer"', () => {
    const twenty = RegionInfo.regions.map((r) => r.name)
      .filter((r) => /^(us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d$/.test(r) && r !== 'us-east-1').slice(0, 20);
    expect(twenty).toHaveLength(20);
    const message = primaryError({ replicaRegions: twenty });
    expect(message).toContain(`${P}replicaRegions lists 20 regions, more than the 10 secondary regions AWS allows`);
    expect(message).not.toMatch(/set instances to -?\d+ or fewer/);
  });

  test('one day, not "1 days"', () => {
    expect(primaryError({ backupRetention: Duration.days(1) })).toBe(
      `${P}backupRetention 1 day is below the phase-1 minimum of 7; set backupRetention to Duration.days(7) or more`,
    );
    const t = topo();
    expect(errorOf(() => new ReadReplicaRegion(t.replicas[0].node.scope!, 'Other', { primary: t.primary, backupRetention: Duration.days(1) }))).toBe(
      "ReadReplicaRegion 'Replica-eu-west-1/Other': backupRetention 1 day is outside the 7–35 days the ladder and Aurora allow; set backupRetention between Duration.days(7) and Duration.days(35)",
    );
  });

  test('"an AWS region", not "a aws region"', () => {
    expect(primaryError({ replicaRegions: ['xx-nowhere-9'] })).toMatch(
      new RegExp(`^${P.replace(/[/()]/g, '\\$&')}replicaRegions\\[0\\] 'xx-nowhere-9' is not an AWS region this release knows; check the spelling`),
    );
  });

  test('FailoverRunbook without router (JavaScript, or TypeScript through a cast) names the property, not a TypeError', () => {
    const t = topo();
    const props = { primary: t.primary, replicas: t.replicas } as unknown as FailoverRunbookProps;
    const error = (() => { try { new FailoverRunbook(t.routing, 'Runbook', props); } catch (e) { return e; } return undefined; })();
    expect(error).toBeInstanceOf(MultiRegionConfigError);
    expect((error as Error).message).toBe(
      "FailoverRunbook 'Routing/Runbook': router is missing; pass router: the GlobalRouter whose write route the runbook moves",
    );
    expect(errorOf(() => new FailoverRunbook(t.routing, 'Runbook2', {} as FailoverRunbookProps))).toBe([
      "3 configuration problems:",
      "- FailoverRunbook 'Routing/Runbook2': primary is missing; pass primary: the PrimaryRegion",
      "- FailoverRunbook 'Routing/Runbook2': replicas is missing; pass replicas: every ReadReplicaRegion of the primary",
      "- FailoverRunbook 'Routing/Runbook2': router is missing; pass router: the GlobalRouter whose write route the runbook moves",
    ].join('\n'));
  });

  test('Duration.hours(200) as backup retention: the construct and property are named, with a whole-day fix', () => {
    expect(primaryError({ backupRetention: Duration.hours(200) })).toBe(
      `${P}backupRetention 8.33 days is not a whole number of days; set backupRetention to a whole number of days, e.g. Duration.days(9)`,
    );
    const t = topo();
    expect(errorOf(() => new ReadReplicaRegion(t.replicas[0].node.scope!, 'Other', { primary: t.primary, backupRetention: Duration.hours(200) }))).toBe(
      "ReadReplicaRegion 'Replica-eu-west-1/Other': backupRetention 8.33 days is not a whole number of days within the 7–35 days the ladder and Aurora allow; set backupRetention between Duration.days(7) and Duration.days(35)",
    );
  });

  test('a secret rotation in hours is accepted (it used to throw aws-cdk-lib\'s whole-days error)', () => {
    const { stacks: [us] } = stacks('us-east-1');
    expect(() => new PrimaryRegion(us, 'Database', { secretRotation: Duration.hours(200) })).not.toThrow();
  });

  test('rpoSeconds: 0 with replica regions is rejected without a FailoverRunbook', () => {
    expect(primaryError({ replicaRegions: ['eu-west-1'], recoveryObjectives: { rpoSeconds: 0 } })).toBe(
      `${P}recoveryObjectives.rpoSeconds 0 cannot be met across regions: replication to replicaRegions is asynchronous, so losing the primary region loses the writes not yet replicated (only a planned switchover loses nothing); declare the data loss you accept, e.g. rpoSeconds: 30`,
    );
    // Single region: Aurora's storage is synchronous across zones, so 0 is a true claim for zone loss.
    expect(validateTopology({ primaryRegion: 'us-east-1', recoveryObjectives: { rpoSeconds: 0 } }, AWS_PROFILE)).toEqual([]);
    expect(validateTopology({ primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'], recoveryObjectives: { rpoSeconds: 30 } }, AWS_PROFILE)).toEqual([]);
  });
});
