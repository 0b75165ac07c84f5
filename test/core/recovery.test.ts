import {
  checkDetection, checkObjectives, estimateRecovery, formatSeconds, objectiveNotes, RecoveryInputs, RecoveryVocabulary,
  renderTimelineMarkdown,
} from '../../lib/core';

const words: RecoveryVocabulary = {
  interval: 'healthCheck.interval',
  intervalValue: (s) => `${s}s`,
  allowedIntervals: [10, 30],
  failureThreshold: 'healthCheck.failureThreshold',
  minFailureThreshold: 1,
  dnsTtl: 'recordTtl',
  ttlValue: (s) => `${s}s`,
  minTtlSeconds: 5,
  enforceRpo: 'set rpoSeconds to 20 or more',
};

function inputs(over: Partial<RecoveryInputs> = {}): RecoveryInputs {
  return {
    detection: { intervalSeconds: 10, failureThreshold: 3 },
    switchover: { seconds: 120, description: 'switchover', source: 'https://example.com/so' },
    failover: { seconds: 120, description: 'failover', source: 'https://example.com/fo' },
    trafficShift: { seconds: 90, description: 'shift', source: 'https://example.com/shift' },
    dnsTtlSeconds: 60,
    replication: { typicalLagSeconds: 5, source: 'https://example.com/lag' },
    ...over,
  };
}

describe('estimateRecovery', () => {
  test('failover RTO = detection (interval × threshold) + decision + promotion + traffic shift + TTL', () => {
    const e = estimateRecovery(inputs({ decisionSeconds: 300 })).failover;
    expect(e.timeline.map((t) => [t.phase, t.startSeconds, t.durationSeconds])).toEqual([
      ['detection', 0, 30], ['decision', 30, 300], ['promotion', 330, 120], ['traffic-shift', 450, 90], ['dns', 540, 60],
    ]);
    expect(e.rtoSeconds).toBe(600);
    expect(e.rpoSeconds).toBe(5);
    expect(e.rpoBasis).toMatch(/typical replication lag.*not enforced/);
  });

  test('switchover has no detection and RPO 0', () => {
    const e = estimateRecovery(inputs()).switchover;
    expect(e.timeline.map((t) => t.phase)).toEqual(['promotion', 'traffic-shift', 'dns']);
    expect(e.rtoSeconds).toBe(270);
    expect(e.rpoSeconds).toBe(0);
  });

  test('an enforced bound is the failover RPO', () => {
    const e = estimateRecovery(inputs({ replication: { typicalLagSeconds: 5, source: 'x', enforcedBoundSeconds: 30 } })).failover;
    expect(e.rpoSeconds).toBe(30);
    expect(e.rpoBasis).toMatch(/bounded by the database/);
  });

  test('sources are carried into the timeline', () => {
    const e = estimateRecovery(inputs()).failover;
    expect(e.timeline.find((t) => t.phase === 'promotion')!.source).toBe('https://example.com/fo');
  });
});

describe('checkObjectives', () => {
  test('no objectives, no problems', () => {
    expect(checkObjectives(undefined, inputs(), words)).toEqual([]);
    expect(checkObjectives({ rtoSeconds: 300, rpoSeconds: 5 }, inputs(), words)).toEqual([]);
  });

  test('an RTO the settings cannot meet names the setting to change', () => {
    const [p] = checkObjectives({ rtoSeconds: 280 }, inputs({ detection: { intervalSeconds: 30, failureThreshold: 3 } }), words);
    expect(p.property).toBe('recoveryObjectives.rtoSeconds');
    expect(p.message).toBe('recoveryObjectives.rtoSeconds 280 is below the estimated failover RTO of 360 s (detection 90 s + promotion 120 s + traffic-shift 90 s + dns 60 s)');
    expect(p.fix).toBe('set healthCheck.interval to 10s, and lower healthCheck.failureThreshold to 1, or raise recoveryObjectives.rtoSeconds to 360');
  });

  test('the TTL is suggested once detection is at its fastest', () => {
    const [p] = checkObjectives({ rtoSeconds: 250 }, inputs({ detection: { intervalSeconds: 10, failureThreshold: 1 } }), words);
    expect(p.fix).toBe('lower recordTtl to 30s, or raise recoveryObjectives.rtoSeconds to 280');
  });

  test('an RTO below the fastest configuration says so', () => {
    const [p] = checkObjectives({ rtoSeconds: 60 }, inputs(), words);
    expect(p.fix).toBe('no setting brings the estimate under 60 s (the fastest configuration gives about 225 s); raise recoveryObjectives.rtoSeconds to 225 or more');
  });

  test('an RPO below the typical lag is rejected: replication is asynchronous', () => {
    const [p] = checkObjectives({ rpoSeconds: 0 }, inputs(), words);
    expect(p.message).toMatch(/^recoveryObjectives.rpoSeconds 0 is below the typical replication lag of 5 s/);
    expect(p.fix).toBe('raise recoveryObjectives.rpoSeconds to 5 or more (only a planned switchover has RPO 0)');
  });

  test('an RPO below an enforced bound uses the cloud fix', () => {
    const [p] = checkObjectives({ rpoSeconds: 10 }, inputs({ replication: { typicalLagSeconds: 5, source: 'x', enforcedBoundSeconds: 20 } }), words);
    expect(p.fix).toBe('set rpoSeconds to 20 or more');
  });

  test('an unenforced RPO gets a note', () => {
    expect(objectiveNotes({ rpoSeconds: 10 }, inputs())[0]).toMatch(/met only while replication lag stays below it/);
    expect(objectiveNotes({ rpoSeconds: 30 }, inputs({ replication: { typicalLagSeconds: 5, source: 'x', enforcedBoundSeconds: 30 } }))).toEqual([]);
  });

  test('checkDetection rejects intervals the checker does not support', () => {
    expect(checkDetection({ intervalSeconds: 15, failureThreshold: 3 }, words)[0].fix).toBe('set healthCheck.interval to 10s or 30s');
    expect(checkDetection({ intervalSeconds: 30, failureThreshold: 3 }, words)).toEqual([]);
  });
});

describe('rendering', () => {
  test('formatSeconds', () => {
    expect([formatSeconds(45), formatSeconds(60), formatSeconds(150)]).toEqual(['45 s', '1 min', '2 min 30 s']);
  });

  test('the timeline is a table plus a bar', () => {
    const md = renderTimelineMarkdown(estimateRecovery(inputs()).failover);
    expect(md).toContain('**failover**: RTO about 5 min, RPO about 5 s');
    expect(md).toContain('| 30 s | 2 min | promotion | failover ([source](https://example.com/fo)) |');
    expect(md).toMatch(/```text\n0 s detection:#+ promotion:#+ traffic-shift:#+ dns:#+ 5 min\n```/);
  });
});

describe('the decision stretch', () => {
  test('is labelled as the cloud says and counted in the failover estimate', () => {
    const e = estimateRecovery(inputs({ decisionSeconds: 600, decisionLabel: 'a person decides to fail over (assumed 10 min)' })).failover;
    expect(e.timeline.find((t) => t.phase === 'decision')).toEqual({
      phase: 'decision', label: 'a person decides to fail over (assumed 10 min)', startSeconds: 30, durationSeconds: 600, source: undefined,
    });
    expect(e.rtoSeconds).toBe(900);
  });

  test('an objective the decision time breaks names the decision as the fix, down to what automation achieves', () => {
    const w: RecoveryVocabulary = { ...words, decisionFix: (s) => `lower decisionTime to ${s} s, or let the alarm decide`, minDecisionSeconds: 60 };
    const [p] = checkObjectives({ rtoSeconds: 600 }, inputs({ decisionSeconds: 600 }), w);
    expect(p.message).toBe('recoveryObjectives.rtoSeconds 600 is below the estimated failover RTO of 900 s (detection 30 s + decision 600 s + promotion 120 s + traffic-shift 90 s + dns 60 s)');
    // Failure threshold 3 → 1 saves 20 s; the decision gives the remaining 280 s.
    expect(p.fix).toBe('lower healthCheck.failureThreshold to 1, and lower decisionTime to 320 s, or let the alarm decide, or raise recoveryObjectives.rtoSeconds to 900');
  });
});
