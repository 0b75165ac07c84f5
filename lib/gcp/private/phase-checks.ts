/**
 * The phase a PrimaryRegion claims, checked across the whole app at synth:
 * phase 3 needs a FailoverRunbook and a GlobalRouter for that primary
 * somewhere in the app; phase 4 also needs replicas that serve reads — a
 * ReadReplicaRegion of the primary and a read route with an endpoint in its
 * region. (docs/ladder.md: "requires (enforced at synth)".)
 *
 * The constructs register here; the first one of an app adds one validation
 * to the app's root (`node.addValidation`), which cdktf's `App.synth()` runs
 * after every stack is synthesized (`this.node.validate()`), so it sees every
 * construct of every stack and reports all problems at once. No construct
 * class is imported: the registry holds what the rules read.
 */
import { IConstruct } from 'constructs';
import { ConfigProblem, formatProblems, LADDER, Phase } from '../../core';

export interface PhasePrimary extends IConstruct {
  readonly region: string;
  readonly topology: { readonly phase: Phase; readonly replicaRegions: readonly string[] };
}
export interface PhaseReplica extends IConstruct { readonly primary: PhasePrimary; readonly region: string }
export interface PhaseRouter extends IConstruct { readonly primary: PhasePrimary; readonly readRoute: boolean; readonly targets: readonly { readonly region: string }[] }
export interface PhaseRunbook extends IConstruct { readonly primary: PhasePrimary }

interface AppConstructs {
  readonly primaries: PhasePrimary[];
  readonly replicas: PhaseReplica[];
  readonly routers: PhaseRouter[];
  readonly runbooks: PhaseRunbook[];
}

const byApp = new WeakMap<IConstruct, AppConstructs>();

function of(scope: IConstruct): AppConstructs {
  const root = scope.node.root;
  let found = byApp.get(root);
  if (!found) {
    const registered: AppConstructs = { primaries: [], replicas: [], routers: [], runbooks: [] };
    byApp.set(root, registered);
    root.node.addValidation({ validate: () => phaseProblems(registered) });
    found = registered;
  }
  return found;
}

export const registerPrimary = (c: PhasePrimary) => { of(c).primaries.push(c); };
export const registerReplica = (c: PhaseReplica) => { of(c).replicas.push(c); };
export const registerRouter = (c: PhaseRouter) => { of(c).routers.push(c); };
export const registerRunbook = (c: PhaseRunbook) => { of(c).runbooks.push(c); };

/** The problems of every registered primary, formatted for `node.addValidation`. */
export function phaseProblems(app: AppConstructs): string[] {
  return app.primaries.flatMap((p) => formatProblems({ construct: 'PrimaryRegion', path: p.node.path }, problemsOf(p, app)));
}

function problemsOf(p: PhasePrimary, app: AppConstructs): ConfigProblem[] {
  const phase = p.topology.phase;
  if (phase < 3) return [];
  const name = `phase ${phase} (${LADDER[phase].name})`;
  const problems: ConfigProblem[] = [];
  const routers = app.routers.filter((r) => r.primary === p);
  const replicas = app.replicas.filter((r) => r.primary === p);
  if (!app.runbooks.some((r) => r.primary === p)) {
    problems.push({
      property: 'phase',
      message: `${name} needs failover automation, but the app has no FailoverRunbook for this primary`,
      fix: `add new FailoverRunbook(stack, 'Runbook', { primary, replicas, router }) in a stack outside ${p.region}, or claim phase: 2`,
    });
  }
  if (routers.length === 0) {
    problems.push({
      property: 'phase',
      message: `${name} moves the write route with the database, but the app has no GlobalRouter for this primary`,
      fix: "add new GlobalRouter(stack, 'Router', { primary, zone, endpoints }), or claim phase: 2",
    });
  }
  if (phase >= 4) {
    const serving = new Set(replicas.map((r) => r.region));
    if (replicas.length === 0) {
      problems.push({
        property: 'phase',
        message: `${name} serves reads from replicas, but the app has no ReadReplicaRegion of this primary (replica regions ${p.topology.replicaRegions.join(', ')})`,
        fix: `add new ReadReplicaRegion(stack, 'Database', { primary, region }) for ${p.topology.replicaRegions.join(', ')}, or claim phase: 3`,
      });
    } else if (routers.length > 0) {
      const reading = routers.filter((r) => r.readRoute);
      if (reading.length === 0) {
        problems.push({
          property: 'phase',
          message: `${name} serves reads from replicas, but no GlobalRouter of this primary publishes a read record (readRoute: false)`,
          fix: 'remove readRoute: false from the GlobalRouter, or claim phase: 3',
        });
      } else if (!reading.some((r) => r.targets.some((t) => serving.has(t.region)))) {
        problems.push({
          property: 'phase',
          message: `${name} serves reads from replicas, but the read route has no endpoint in a region with a replica (${[...serving].join(', ')})`,
          fix: `add an endpoint in ${[...serving].join(' or ')} to the GlobalRouter, or claim phase: 3`,
        });
      }
    }
  }
  return problems;
}
