import { postgresUnavailableReason } from '../../lab/install';

/**
 * Why PostgreSQL cannot run here (one line), or undefined. Tests that need
 * it skip themselves with this reason in their name and on stderr: never a
 * silent pass.
 */
export const PG_UNAVAILABLE = postgresUnavailableReason();

if (PG_UNAVAILABLE) process.stderr.write(`\nfailover lab tests that need PostgreSQL are skipped: ${PG_UNAVAILABLE}\n\n`);

/** `describe` when PostgreSQL runs here, `describe.skip` (with the reason in the name) when not. */
export function describeWithPostgres(name: string, fn: () => void): void {
  if (PG_UNAVAILABLE) describe.skip(`${name} — skipped: ${PG_UNAVAILABLE}`, fn);
  else describe(name, fn);
}
