/**
 * The AWS example apps: every phase of the ladder (1–5), each a set of
 * stacks. `npm run synth` (cdk synth) writes them all to cdk.out/.
 *
 * The phases are alternatives — the ladder is climbed in place — so deploy one
 * phase at a time: `-c phase=2` builds only phase 2's stacks, which
 * depend on nothing outside the phase (docs/aws/phase-N.md lists the quotas
 * each phase consumes):
 *   npx cdk deploy --all -c phase=2 -c account=123456789012
 *
 * Regions, the account and the availability zones are deployment-time configuration:
 *   npx cdk synth -c primaryRegion=us-east-1 -c replicaRegions=eu-west-1,ap-southeast-2 -c account=123456789012 \
 *     -c availabilityZones=us-east-1a,us-east-1b,us-east-1c,eu-west-1a,eu-west-1b,eu-west-1c,ap-southeast-2a,ap-southeast-2b,ap-southeast-2c
 *
 * cdk.json pins originRegion (us-east-1, where the global database is
 * created). After a switchover or failover to eu-west-1, only the writer
 * moves in the configuration: -c primaryRegion=eu-west-1 -c replicaRegions=us-east-1
 * (docs/aws/day-two.md). Without -c phase the app also builds
 * app-in-each-region.ts (Connect-*, ConnectApp-*, ConnectGrants-* stacks: a
 * service in every region, docs/connect-your-app.md); -c phase=connect builds
 * only that one. A deployment of the examples made with stacks named
 * PhaseN-Primary / PhaseN-Replica-<region> keeps them with -c stackNaming=by-role.
 *
 * From a configuration file instead (docs/config.md): `-c config=examples/config/aws/phase-3.yaml`
 * (or MULTIREGION_CONFIG=path) builds that file's deployment alone, with
 * LadderDeployment.fromFile; the context keys above still override the file.
 */
import { App, Aspects, IAspect, Validations, cx_api as cxapi } from 'aws-cdk-lib';
import { IConstruct, MetadataEntry } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LadderConfig, LadderDeployment, LadderFromFile, LadderStackNaming, readLadderConfig } from '../../lib/aws';
import { MultiRegionConfigError, show } from '../../lib/core';
import { buildPhase1 } from './phase-1';
import { buildPhase2 } from './phase-2';
import { buildPhase3 } from './phase-3';
import { buildPhase4 } from './phase-4';
import { buildPhase5 } from './phase-5';
import { buildAppInEachRegion } from './app-in-each-region';

export const EXAMPLE_DEFAULTS = {
  /** A placeholder account so synth needs no credentials; AZs for it are in cdk.context.json. */
  account: '111111111111',
  primaryRegion: 'us-east-1',
  replicaRegions: ['eu-west-1'],
};

/**
 * The examples' configuration: context over {@link EXAMPLE_DEFAULTS}. The
 * placeholder account is never deployed, so a region whose zones are not in
 * cdk.context.json gets `<region>a`, `b`, `c` instead of a lookup that would
 * need credentials for an account that does not exist.
 */
export function exampleConfig(app: App): LadderConfig & { stackNaming?: LadderStackNaming } {
  const naming = app.node.tryGetContext('stackNaming');
  const config = { ...readLadderConfig(app, EXAMPLE_DEFAULTS), ...(naming !== undefined ? { stackNaming: naming as LadderStackNaming } : {}) };
  return { ...config, availabilityZones: exampleZones(app, config, [config.primaryRegion, ...(config.replicaRegions ?? [])]) };
}

/**
 * The configured zones, plus `<region>a`, `b`, `c` for each of `regions`
 * whose zones are not in cdk.context.json when the account is the
 * placeholder (never deployed, so never looked up).
 */
export function exampleZones(app: App, config: LadderConfig, regions: readonly string[]): Readonly<Record<string, readonly string[]>> | undefined {
  if (config.account !== EXAMPLE_DEFAULTS.account) return config.availabilityZones;
  const placeholder: Record<string, readonly string[]> = {};
  for (const region of regions) {
    const zones = placeholderZones(app, region, config.account);
    if (zones) placeholder[region] = zones;
  }
  return { ...placeholder, ...config.availabilityZones };
}

/**
 * E-mail addresses for the alarm topics: `-c alarmEmails=oncall@example.com,db@example.com`
 * (none by default: each address has to confirm its subscription).
 */
export function exampleAlarmEmails(app: App): string[] {
  const raw = app.node.tryGetContext('alarmEmails');
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw.map(String) : String(raw).split(/[\s,]+/).filter(Boolean);
}

/** Zones of a region of the placeholder account that cdk.context.json does not list: `<region>a`, `b`, `c`. */
export function placeholderZones(app: App, region: string, account: string | undefined): readonly string[] | undefined {
  if (account !== EXAMPLE_DEFAULTS.account) return undefined;
  if (app.node.tryGetContext(`availability-zones:account=${account}:region=${region}`) !== undefined) return undefined;
  return ['a', 'b', 'c'].map((letter) => `${region}${letter}`);
}

/** The configuration file to build: `-c config=path`, else MULTIREGION_CONFIG, else none (the code-built examples). */
export function exampleConfigFile(app: App): string | undefined {
  const raw = app.node.tryGetContext('config') ?? process.env.MULTIREGION_CONFIG;
  return raw === undefined || raw === '' ? undefined : String(raw);
}

/** Builds one configuration file's deployment, as the examples build theirs (cdk-nag, placeholder zones). */
export function buildFromFile(app: App, file: string): LadderFromFile {
  const built = LadderDeployment.fromFile(app, file, { fallbackAvailabilityZones: (region, account) => placeholderZones(app, region, account) });
  const phase = app.node.tryGetContext('phase');
  if (phase !== undefined && String(phase) !== String(built.config.phase)) {
    throw new MultiRegionConfigError({ construct: 'Examples', path: 'App' }, [{
      property: 'phase',
      message: `context phase ${show(phase)} is not the phase of ${file} (${built.config.phase})`,
      fix: 'leave -c phase out with -c config (the file says which phase it builds), or climb by editing the file',
    }]);
  }
  return built;
}

/** A function, not a constant: the phase modules import this one, so they may not be loaded yet when it is. */
function phaseBuilders(): Readonly<Record<number, (app: App) => unknown>> {
  return { 1: buildPhase1, 2: buildPhase2, 3: buildPhase3, 4: buildPhase4, 5: buildPhase5 };
}

/** The phases to build: `-c phase=N` (or `-c phase=1,2`), every phase by default. */
export function selectedPhases(app: App): number[] {
  const raw = app.node.tryGetContext('phase');
  if (raw === undefined) return [1, 2, 3, 4, 5];
  const phases = String(raw).split(/[\s,]+/).filter(Boolean).map(Number);
  if (phases.length === 0 || phases.some((p) => !phaseBuilders()[p])) {
    throw new MultiRegionConfigError({ construct: 'Examples', path: 'App' }, [{
      property: 'phase',
      message: `context phase ${show(raw)} is not an example phase`,
      fix: 'pass -c phase=1, 2, 3, 4 or 5 (or a list such as -c phase=1,2), -c phase=connect for the application in each region, or leave it out to build every example',
    }]);
  }
  return [...new Set(phases)].sort();
}

/**
 * cdk.out holds no path of the machine that ran synth (it is the same on every
 * machine, and says nothing about the builder's disk). The app turns stack
 * traces off (`aws:cdk:disable-stack-trace`, `aws:cdk:disable-creation-stack-traces`;
 * set on the App rather than in cdk.json, where the CDK CLI warns that `aws:`
 * keys are reserved), but aws-cdk-lib records a trace with every validation acknowledgement
 * whatever those settings say (`Validations.acknowledge`, also used by
 * aws-cdk-lib's own VPC); this aspect drops those traces before synthesis.
 */
class DropAcknowledgementTraces implements IAspect {
  public visit(node: IConstruct): void {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) delete (entry as { -readonly [K in keyof MetadataEntry]: MetadataEntry[K] }).trace;
    }
  }
}

/** Context that keeps stack traces (machine paths) out of cdk.out; `-c` on the command line still wins. */
export const NO_STACK_TRACES: Readonly<Record<string, boolean>> = {
  [cxapi.DISABLE_METADATA_STACK_TRACE]: true,
  [cxapi.DISABLE_CREATION_STACK_TRACES]: true,
};

/** `-c phase=connect`: only the application in each region (app-in-each-region.ts), deployable on its own. */
export const CONNECT_EXAMPLE = 'connect';

/** Builds the selected examples into `app` (used by cdk.json and by the tests). */
export function buildExamples(app: App): void {
  const file = exampleConfigFile(app);
  const selected = app.node.tryGetContext('phase');
  // The application in each region (docs/connect-your-app.md): with every
  // example, or alone with -c phase=connect (`-c phase=N` deploys phase N only).
  const connect = file === undefined && (selected === undefined || String(selected) === CONNECT_EXAMPLE);
  if (file !== undefined) buildFromFile(app, file);
  else if (String(selected) !== CONNECT_EXAMPLE) for (const phase of selectedPhases(app)) phaseBuilders()[phase](app);
  if (connect) buildAppInEachRegion(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  Aspects.of(app).add(new DropAcknowledgementTraces());
}

if (require.main === module) {
  const app = new App({ context: NO_STACK_TRACES });
  buildExamples(app);
  app.synth();
}
