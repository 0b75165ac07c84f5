/**
 * Durations in the configuration file: a whole number and one unit, `30s`,
 * `10m`, `2h`, `14d`. No bare numbers (is `30` seconds or minutes?), no
 * fractions, no compound forms: one way to write a duration.
 */

/** The units a duration may use, with their length in seconds. */
export const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** A duration as the file writes it (the JSON Schema uses the same pattern). */
export const DURATION_PATTERN = '^[0-9]{1,9}[smhd]$';
const DURATION = new RegExp(DURATION_PATTERN);

/** Seconds of a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  return Number(text.slice(0, -1)) * DURATION_UNITS[text.slice(-1)];
}

/** The shortest exact way to write `seconds` as a duration: 90 → `90s`, 600 → `10m`, 1209600 → `14d`. */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && Number.isInteger(seconds)) {
    for (const unit of ['d', 'h', 'm']) {
      const size = DURATION_UNITS[unit];
      if (seconds % size === 0) return `${seconds / size}${unit}`;
    }
  }
  return `${seconds}s`;
}
