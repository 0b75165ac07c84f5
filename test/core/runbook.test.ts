import {
  anchor, estimateRecovery, renderRunbookMarkdown, runbookFileName, RunbookModel, RunbookProcedure, validateRunbook,
} from '../../lib/core';

function procedure(id: RunbookProcedure['id'], kinds: RunbookProcedure['steps'][number]['kind'][]): RunbookProcedure {
  return {
    id,
    title: `Do ${id}`,
    whenToUse: `when ${id}`,
    dataLoss: 'none',
    steps: kinds.map((kind, i) => ({ kind, title: `${kind} ${i}`, commands: [{ command: `gcloud sql ${kind} --step ${i}` }] })),
  };
}

function model(over: Partial<RunbookModel> = {}): RunbookModel {
  return {
    title: 'Failover runbook: orders',
    cloud: 'gcp',
    summary: 'Cloud SQL orders writes in europe-west1.',
    primaryRegion: 'europe-west1',
    standbyRegion: 'us-central1',
    regions: ['europe-west1', 'us-central1'],
    facts: [{ label: 'Primary instance', value: 'proj:europe-west1:orders' }],
    decisions: [{ situation: 'Planned move', use: 'switchover', because: 'no data loss' }],
    procedures: [
      procedure('switchover', ['precondition', 'database-switchover', 'traffic-shift', 'verification', 'notification']),
      procedure('failover', ['precondition', 'database-failover', 'verification']),
      procedure('manual-failover', ['database-failover']),
      procedure('verify', ['verification']),
      procedure('failback', ['database-switchover']),
    ],
    ...over,
  };
}

describe('validateRunbook', () => {
  test('a complete model has no problems', () => {
    expect(validateRunbook(model())).toEqual([]);
  });

  test('required procedures and a manual fallback must exist', () => {
    const problems = validateRunbook(model({ procedures: [procedure('switchover', ['database-switchover'])] }));
    expect(problems.map((p) => p.message)).toEqual([
      "procedures has no 'failover' procedure",
      "procedures has no 'verify' procedure",
      "procedures has no 'failback' procedure",
      'procedures has no manual fallback',
    ]);
  });

  test('a switchover may not lose data; a failover must promote', () => {
    const problems = validateRunbook(model({
      procedures: [
        procedure('switchover', ['database-failover']),
        procedure('failover', ['verification']),
        procedure('manual-switchover', ['database-switchover']),
        procedure('verify', []),
        procedure('failback', ['database-switchover']),
      ],
    }));
    expect(problems.map((p) => p.property)).toEqual(['procedures.switchover', 'procedures.failover', 'procedures.verify']);
    expect(problems[0].message).toMatch(/can lose data/);
  });

  test('regions must be consistent', () => {
    expect(validateRunbook(model({ standbyRegion: 'europe-west1' })).map((p) => p.property)).toEqual(['standbyRegion']);
    expect(validateRunbook(model({ regions: ['europe-west1'] })).map((p) => p.property)).toEqual(['regions']);
  });
});

describe('renderRunbookMarkdown', () => {
  const estimates = estimateRecovery({
    detection: { intervalSeconds: 10, failureThreshold: 3 },
    switchover: { seconds: 60, description: 'switchover', source: 'https://example.com' },
    failover: { seconds: 60, description: 'failover', source: 'https://example.com' },
    dnsTtlSeconds: 30,
    replication: { typicalLagSeconds: 1, source: 'https://example.com' },
  });
  const md = renderRunbookMarkdown(model({
    estimates,
    objectives: { rtoSeconds: 300, rpoSeconds: 10 },
    notes: ['A note.'],
    references: [{ label: 'Docs', value: 'https://example.com/docs' }],
  }));

  test('names the deployment, links decisions to procedures, and shows the commands', () => {
    expect(md).toMatch(/^# Failover runbook: orders\n/);
    expect(md).toContain('| Primary instance | `proj:europe-west1:orders` |');
    expect(md).toContain('| Planned move | [Do switchover](#do-switchover) | no data loss |');
    expect(md).toContain('## Do failover');
    expect(md).toContain('2. **database-failover 1** _(database failover)_');
    expect(md).toContain('   ```bash\n   gcloud sql database-failover --step 1\n   ```');
  });

  test('shows objectives and both timelines, notes and references', () => {
    expect(md).toContain('Declared: RTO 5 min, RPO 10 s.');
    expect(md).toContain('**switchover**: RTO about 1 min 30 s, RPO 0');
    expect(md).toContain('**failover**: RTO about 2 min, RPO about 1 s');
    expect(md).toContain('- A note.');
    expect(md).toContain('- [Docs](https://example.com/docs)');
  });

  test('is deterministic and has no triple blank lines', () => {
    expect(renderRunbookMarkdown(model())).toBe(renderRunbookMarkdown(model()));
    expect(md).not.toMatch(/\n\n\n/);
  });

  test('helpers', () => {
    expect(anchor('Manual switchover (fallback)')).toBe('manual-switchover-fallback');
    expect(runbookFileName('Orders Global')).toBe('orders-global.md');
    expect(runbookFileName('--')).toBe('runbook.md');
  });
});

describe('deployment state and what works during an outage (optional section, every cloud)', () => {
  const state = {
    locations: [
      { label: 'Terraform state of orders-router', value: 'gs://orders-tfstate/orders-router (US)' },
      { label: 'Terraform state of orders-primary', value: 'gs://orders-tfstate/orders-primary (US)' },
    ],
    outages: [{
      region: 'europe-west1',
      works: [
        { what: 'the failover workflow in us-central1', why: 'deployed outside the lost region', commands: [{ command: 'gcloud workflows run orders-failover \\\n  --location=us-central1', description: 'Run it' }] },
        { what: 'terraform apply of orders-router' },
      ],
      doesNotWork: [{ what: 'terraform apply of orders-primary', why: 'its resources are in the lost region' }],
    }],
  };

  test('rendered after the procedures, with the commands', () => {
    const md = renderRunbookMarkdown(model({ deploymentState: state, notes: ['a note'] }));
    const section = md.slice(md.indexOf('## Deployment state and what works during an outage'), md.indexOf('## Notes'));
    expect(md.indexOf('## Deployment state')).toBeGreaterThan(md.indexOf('## Do failback'));
    expect(section).toContain('| Terraform state of orders-router | `gs://orders-tfstate/orders-router (US)` |');
    expect(section).toContain('### While europe-west1 is lost');
    expect(section).toContain('**Still works:**\n\n- the failover workflow in us-central1 — deployed outside the lost region\n\n  Run it:\n\n  ```bash\n  gcloud workflows run orders-failover \\\n    --location=us-central1\n  ```');
    expect(section).toContain('**Does not work — do not try:**\n\n- terraform apply of orders-primary — its resources are in the lost region');
  });

  test('optional: models without it render as before', () => {
    expect(renderRunbookMarkdown(model())).not.toContain('Deployment state');
    expect(validateRunbook(model({ deploymentState: state }))).toEqual([]);
  });

  test('validated: no locations, a region described twice, an outage listing nothing', () => {
    const bad = { locations: [], outages: [state.outages[0], state.outages[0], { region: 'us-central1', works: [], doesNotWork: [] }] };
    expect(validateRunbook(model({ deploymentState: bad })).map((p) => p.message)).toEqual([
      'deploymentState.locations is empty',
      "deploymentState.outages describes 'europe-west1' twice",
      "the outage of 'us-central1' lists nothing",
    ]);
  });
});

describe('engine actions (the failover lab runs the model itself)', () => {
  const withActions = (m: RunbookModel): RunbookModel => ({
    ...m,
    cloud: 'local',
    procedures: m.procedures.map((p) => ({ ...p, steps: p.steps.map((s, i) => ({ ...s, action: `${p.id}-${i}` })) })),
  });

  test('a local model with step actions validates like any other', () => {
    expect(validateRunbook(withActions(model()))).toEqual([]);
  });

  test('actions are for engines: the human runbook is the same with or without them', () => {
    expect(renderRunbookMarkdown(withActions(model()))).toBe(renderRunbookMarkdown({ ...model(), cloud: 'local' }));
  });
});

describe('fence and configuration steps', () => {
  test('a fence before the promotion is valid and rendered with its kind', () => {
    const m = model({
      procedures: [
        ...model().procedures.filter((p) => p.id !== 'failover'),
        procedure('failover', ['precondition', 'fence', 'database-failover', 'verification', 'configuration']),
      ],
    });
    expect(validateRunbook(m)).toEqual([]);
    const md = renderRunbookMarkdown(m);
    expect(md).toContain('2. **fence 1** _(fence)_');
    expect(md).toContain('5. **configuration 4** _(configuration)_');
  });

  test('a promotion that fences the former writer itself (Aurora managed failover) may be followed by fence steps that check and contain', () => {
    const failover = procedure('failover', ['precondition', 'database-failover', 'verification', 'fence']);
    const fencing = { ...failover, steps: failover.steps.map((st) => (st.kind === 'database-failover' ? { ...st, fencesFormerWriter: true } : st)) };
    const others = model().procedures.filter((p) => p.id !== 'failover');
    expect(validateRunbook(model({ procedures: [...others, fencing] }))).toEqual([]);
    expect(validateRunbook(model({ procedures: [...others, failover] })).map((p) => p.message)).toEqual([
      "procedure 'failover' fences the former writer after promoting the standby, so both can take writes in between",
    ]);
  });

  test('a fence after the promotion, or in a switchover, is refused', () => {
    const problems = validateRunbook(model({
      procedures: [
        procedure('switchover', ['fence', 'database-switchover']),
        procedure('failover', ['database-failover', 'fence']),
        procedure('manual-failover', ['database-failover']),
        procedure('verify', ['verification']),
        procedure('failback', ['database-switchover']),
      ],
    }));
    expect(problems.map((p) => p.message)).toEqual([
      "procedure 'switchover' has a fence step, but a switchover keeps the former writer as a replica",
      "procedure 'failover' fences the former writer after promoting the standby, so both can take writes in between",
    ]);
  });
});
