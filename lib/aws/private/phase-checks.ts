/**
 * The phase a PrimaryRegion claims, checked against the whole app: phase 3
 * needs a write route and failover automation for the database (a
 * GlobalRouter and a FailoverRunbook), phase 4 also reads served by a
 * replica region (lib/core/ladder.ts). Those constructs are usually built
 * after the PrimaryRegion, often in other stacks, so the check is a
 * validation on the Stage (or App) that holds the database: synth runs it
 * once every construct exists, and reports it with every other problem.
 */
import { App, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ConfigProblem, formatProblems, LADDER, Phase, show } from '../../core';

/** What a construct is to the ladder check, stored on the construct itself. */
export interface PhaseComponent {
  readonly kind: 'router' | 'runbook' | 'replica';
  /** The PrimaryRegion it belongs to. */
  readonly primary: IConstruct;
  /** Replica: whether it has instances. */
  readonly servesReads?: boolean;
  /** Router: the regions of its read route. */
  readonly readRegions?: readonly string[];
  /** Replica: its region. */
  readonly region?: string;
}

const COMPONENT = Symbol.for('multiregion-constructs.aws.phase-component');

/** Marks `construct` as a part of `primary`'s deployment (called by GlobalRouter, FailoverRunbook, ReadReplicaRegion). */
export function markPhaseComponent(construct: IConstruct, component: PhaseComponent): void {
  Object.defineProperty(construct, COMPONENT, { value: component, enumerable: false });
}

function componentOf(c: IConstruct): PhaseComponent | undefined {
  return (c as unknown as Record<symbol, PhaseComponent | undefined>)[COMPONENT];
}

/**
 * Adds the check of `primary`'s claimed phase to the Stage (or App) that
 * holds it. A construct tree without a Stage (no App) is not checked.
 */
export function addPhaseValidation(primary: IConstruct, phase: Phase, region: string): void {
  const stage = Stage.of(primary);
  if (!stage) return;
  const source = { construct: 'PrimaryRegion', path: primary.node.path };
  stage.node.addValidation({
    validate: () => formatProblems(source, phaseProblems(stage, primary, phase, region)),
  });
}

function phaseProblems(stage: Stage, primary: IConstruct, phase: Phase, region: string): ConfigProblem[] {
  const step = LADDER[phase];
  if (!step.requiresFailoverAutomation && !step.servesReadsFromReplicas) return [];
  const mine = stage.node.findAll().map(componentOf).filter((c): c is PhaseComponent => c?.primary === primary);
  const routers = mine.filter((c) => c.kind === 'router');
  const runbooks = mine.filter((c) => c.kind === 'runbook');
  const replicas = mine.filter((c) => c.kind === 'replica');
  const problems: ConfigProblem[] = [];
  const where = Stage.of(primary) instanceof App ? 'the app' : `the stage '${stage.node.path}'`;
  if (step.requiresFailoverAutomation && routers.length === 0) {
    problems.push({
      property: 'phase',
      message: `phase ${phase} (${step.name}) moves writes through a write route, but ${where} has no GlobalRouter for this database`,
      fix: `add one, e.g. new GlobalRouter(routingStack, 'Router', { zone, primary, replicas, endpoints }) in a us-east-1 stack, or claim phase ${phase === 4 ? 3 : 2} until it exists`,
    });
  }
  if (step.requiresFailoverAutomation && runbooks.length === 0) {
    problems.push({
      property: 'phase',
      message: `phase ${phase} (${step.name}) needs failover automation, but ${where} has no FailoverRunbook for this database`,
      fix: "add one, e.g. new FailoverRunbook(routingStack, 'Runbook', { primary, replicas, router }), or claim phase 2 until it exists",
    });
  }
  if (step.servesReadsFromReplicas) {
    const reading = replicas.filter((r) => r.servesReads);
    if (replicas.length > 0 && reading.length === 0) {
      problems.push({
        property: 'phase',
        message: `phase ${phase} (${step.name}) serves reads from replica regions, but every replica region is headless (instances: 0): ${show(replicas.map((r) => r.region))}, so no region but ${region} can serve reads`,
        fix: 'give at least one ReadReplicaRegion instances: 1 or more (and its region an endpoint in the GlobalRouter), or claim phase 3',
      });
    } else if (routers.length > 0 && !routers.some((r) => (r.readRegions ?? []).some((x) => x !== region))) {
      problems.push({
        property: 'phase',
        message: `phase ${phase} (${step.name}) serves reads from replica regions, but no GlobalRouter of this database has a read route to one (${routers.map((r) => show(r.readRegions ?? [])).join(', ')})`,
        fix: `turn the read route on (readRoute: true, the phase-4 default) with a replica region that has instances and an endpoint, or claim phase 3`,
      });
    }
  }
  return problems;
}
