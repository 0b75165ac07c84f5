import {
  CloudProfile, LADDER, MultiRegionConfigError, parseRegionList, PHASES, residencyAllows, resolveTopology,
  throwIfProblems, validateTopology,
} from '../../lib/core';

const profile: CloudProfile = {
  cloud: 'aws',
  regionPattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  regionExample: 'us-east-1',
  knownRegions: ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'],
  maxReplicaRegions: 2,
  maxReplicaRegionsSource: 'https://example.test/limits',
  maxBackupRetentionDays: 35,
};

const messages = (spec: Parameters<typeof validateTopology>[0]) =>
  validateTopology(spec, profile).map((p) => `${p.message}; ${p.fix}`);

describe('ladder', () => {
  test('has five phases in order, every phase hardened', () => {
    expect(PHASES).toEqual([1, 2, 3, 4, 5]);
    for (const phase of PHASES) {
      expect(LADDER[phase].phase).toBe(phase);
      expect(LADDER[phase].minBackupRetentionDays).toBeGreaterThanOrEqual(7);
      expect(LADDER[phase].minPrimaryInstances).toBe(2);
      expect(LADDER[phase].pointInTimeRecovery).toBe(true);
      expect(LADDER[phase].deletionProtection).toBe(true);
    }
  });
  test('replica regions from phase 2, read serving from phase 4, multi-writer only in 5', () => {
    expect(PHASES.map((p) => LADDER[p].minReplicaRegions)).toEqual([0, 1, 1, 1, 1]);
    expect(PHASES.map((p) => LADDER[p].requiresFailoverAutomation)).toEqual([false, false, true, true, true]);
    expect(PHASES.map((p) => LADDER[p].servesReadsFromReplicas)).toEqual([false, false, false, true, true]);
    expect(PHASES.map((p) => LADDER[p].multiRegionWrites)).toEqual([false, false, false, false, true]);
  });
});

describe('validateTopology', () => {
  test('a valid two-region topology has no problems and resolves defaults', () => {
    const spec = { primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'] };
    expect(validateTopology(spec, profile)).toEqual([]);
    expect(resolveTopology(spec)).toEqual({
      primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'], phase: 2, engine: 'postgresql',
      residency: undefined, recoveryObjectives: undefined,
    });
    expect(resolveTopology({ primaryRegion: 'us-east-1' }).phase).toBe(1);
  });

  test('replica equal to the primary', () => {
    expect(messages({ primaryRegion: 'us-east-1', replicaRegions: ['us-east-1'] })).toContain(
      "replicaRegions[0] 'us-east-1' is the primary region; a replica must be in another region: remove it or choose a different region",
    );
  });

  test('a region listed twice', () => {
    expect(messages({ primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1', 'eu-west-1'] })).toEqual([
      "replicaRegions[1] 'eu-west-1' is listed twice; list each replica region once",
    ]);
  });

  test('malformed and unknown region names', () => {
    expect(messages({ primaryRegion: 'US_EAST_1' })).toEqual([
      "primaryRegion 'US_EAST_1' is not a valid AWS region name; use a region name such as 'us-east-1'",
    ]);
    expect(messages({ primaryRegion: 'us-east-1', replicaRegions: ['xx-nowhere-9'] })[0]).toMatch(
      /^replicaRegions\[0\] 'xx-nowhere-9' is not an AWS region this release knows; check the spelling \(known regions: us-east-1, /,
    );
  });

  test('more replica regions than the cloud allows', () => {
    expect(messages({ primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1', 'eu-central-1', 'us-west-2'] })).toEqual([
      'replicaRegions lists 3 regions, more than the 2 secondary regions AWS allows (https://example.test/limits); keep at most 2 replica regions',
    ]);
  });

  test('residency rules forbid a replica region (prefix patterns and exact names)', () => {
    const residency = { name: 'EU personal data', allowedRegions: ['eu-*'] };
    expect(residencyAllows(residency, 'eu-central-1')).toBe(true);
    expect(residencyAllows(residency, 'us-east-1')).toBe(false);
    expect(residencyAllows(undefined, 'us-east-1')).toBe(true);
    expect(messages({ primaryRegion: 'eu-west-1', replicaRegions: ['us-east-1'], residency })).toEqual([
      "replicaRegions[0] 'us-east-1' may not hold a copy of the data under the residency rule 'EU personal data' (allowed: eu-*); choose a region the rule allows, or change residency.allowedRegions if the rule permits it",
    ]);
  });

  test('phase rules: phase 2+ needs a replica, phase 1 has none', () => {
    expect(messages({ primaryRegion: 'us-east-1', phase: 3 })).toEqual([
      'phase 3 (active-passive with a tested failover) needs at least 1 replica region, but replicaRegions is empty; add a replica region, or set phase to 1',
    ]);
    expect(messages({ primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'], phase: 1 })).toEqual([
      "phase 1 (harden one region) is single-region, but replicaRegions lists ['eu-west-1']; set phase to 2 or higher, or remove replicaRegions",
    ]);
    expect(messages({ primaryRegion: 'us-east-1', phase: 7 as never })[0]).toBe(
      'phase 7 is not a phase of the evolution ladder; set phase to 1, 2, 3, 4 or 5',
    );
  });

  test('engine and recovery objectives are checked', () => {
    expect(messages({ primaryRegion: 'us-east-1', engine: 'oracle' as never })).toEqual([
      "engine 'oracle' is not supported; set engine to one of 'postgresql', 'mysql'",
    ]);
    expect(messages({ primaryRegion: 'us-east-1', recoveryObjectives: { rpoSeconds: -1 } })).toEqual([
      'recoveryObjectives.rpoSeconds -1 is not a duration; set recoveryObjectives.rpoSeconds to a number of seconds, 0 or more',
    ]);
  });

  test('every problem is reported at once, in the construct message convention', () => {
    const problems = validateTopology({ primaryRegion: 'us-east-1', replicaRegions: ['us-east-1', 'bad'] }, profile);
    expect(problems).toHaveLength(2);
    let error: unknown;
    try {
      throwIfProblems({ construct: 'PrimaryRegion', path: 'App/Primary' }, problems);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MultiRegionConfigError);
    expect((error as Error).message).toBe([
      '2 configuration problems:',
      "- PrimaryRegion 'App/Primary': replicaRegions[0] 'us-east-1' is the primary region; a replica must be in another region: remove it or choose a different region",
      "- PrimaryRegion 'App/Primary': replicaRegions[1] 'bad' is not a valid AWS region name; use a region name such as 'us-east-1'",
    ].join('\n'));
    expect(() => throwIfProblems({ construct: 'X', path: 'p' }, [])).not.toThrow();
  });
});

describe('parseRegionList', () => {
  test.each([
    ['eu-west-1,ap-southeast-2', ['eu-west-1', 'ap-southeast-2']],
    [' eu-west-1  ap-southeast-2 ', ['eu-west-1', 'ap-southeast-2']],
    ['["eu-west-1","us-west-2"]', ['eu-west-1', 'us-west-2']],
    [['eu-west-1'], ['eu-west-1']],
    ['', []],
    [undefined, []],
  ])('%p', (input, expected) => {
    expect(parseRegionList(input)).toEqual(expected);
  });
  test('malformed JSON throws', () => {
    expect(() => parseRegionList('[eu-west-1')).toThrow();
  });
});
