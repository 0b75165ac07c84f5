/**
 * The RDS identifiers the library derives from the global cluster identifier,
 * and their limits.
 *
 * - DB cluster identifier: 1–63 letters, digits or hyphens
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html)
 * - DB instance identifier: 1–63 letters, digits or hyphens
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html)
 * - Global cluster identifier: 1–63 letters, digits or hyphens
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyGlobalCluster.html)
 * - DB cluster parameter groups and DB subnet groups (255) are not derived:
 *   the library leaves their names to CloudFormation.
 *
 * CDK's own validator only warns about a long instance identifier; the
 * deployment then fails at CreateDBInstance. So every identifier is computed
 * here, once, and checked (explicit identifiers) or shortened (defaults) at
 * synth.
 */
import { createHash } from 'crypto';
import { Names } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ConfigProblem, show } from '../../core';

export const DB_CLUSTER_ID_MAX = 63;
export const DB_INSTANCE_ID_MAX = 63;
export const GLOBAL_CLUSTER_ID_MAX = 63;
export const RDS_ID_DOC = 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html';
/** The longest AWS Region names have 14 characters (ap-southeast-N, ap-northeast-N). */
export const LONGEST_REGION_NAME = 14;

/**
 * `name`, or when it is longer than `max`, its first characters plus a hash
 * of the whole name (as CDK's `Names.uniqueResourceName` does), so two long
 * names that share a prefix still differ. Deterministic: every stack and
 * region computes the same value.
 */
export function shortenIdentifier(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const head = name.slice(0, max - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/**
 * How identifiers follow from the global cluster identifier. An explicit
 * identifier is used as given (and refused at synth when a derived
 * identifier would be too long); a default one is shortened, per identifier,
 * only where it would exceed the RDS limit — an identifier that fits stays
 * byte-identical, so no deployed cluster or instance is renamed.
 */
export class IdentifierScheme {
  constructor(
    /** The global cluster identifier. */
    public readonly globalId: string,
    /** Whether the identifier was derived by the library (shortened where too long). */
    public readonly derived: boolean,
  ) {}

  /** The cluster identifier in `region`: `<global id>-<region>`. */
  public cluster(region: string): string {
    const id = `${this.globalId}-${region}`;
    return this.derived ? shortenIdentifier(id, DB_CLUSTER_ID_MAX) : id;
  }

  /** The identifier of instance `n` (1-based) of the cluster in `region`: `<cluster>-<n>`. */
  public instance(region: string, n: number): string {
    const suffix = `-${n}`;
    const id = `${this.cluster(region)}${suffix}`;
    if (!this.derived || id.length <= DB_INSTANCE_ID_MAX) return id;
    return `${shortenIdentifier(this.cluster(region), DB_INSTANCE_ID_MAX - suffix.length)}${suffix}`;
  }

  /**
   * Problems with an explicit identifier: the global identifier and every
   * identifier derived from it, in `regions` with `instances[region]`
   * instances (1 when unknown). A derived scheme has none by construction.
   */
  public check(property: string, regions: readonly string[], instances: Readonly<Record<string, number>>): ConfigProblem[] {
    const rows: { what: string; id: string; max: number }[] = [
      { what: 'global cluster identifier', id: this.globalId, max: GLOBAL_CLUSTER_ID_MAX },
    ];
    for (const region of regions) {
      rows.push({ what: `cluster identifier in ${region}`, id: this.cluster(region), max: DB_CLUSTER_ID_MAX });
      const n = Math.max(1, instances[region] ?? 1);
      rows.push({ what: `instance identifier in ${region}`, id: this.instance(region, n), max: DB_INSTANCE_ID_MAX });
    }
    const tooLong = rows.filter((r) => r.id.length > r.max);
    if (tooLong.length === 0) return [];
    const longest = tooLong.reduce((a, b) => (b.id.length - b.max > a.id.length - a.max ? b : a));
    // Room left for the global id once `-<region>-<n>` is appended, for the longest region here.
    const fit = Math.min(GLOBAL_CLUSTER_ID_MAX, ...regions.map((r) => DB_INSTANCE_ID_MAX - r.length - 2 - String(Math.max(1, instances[r] ?? 1)).length));
    return [{
      property,
      message: `${property} ${show(this.globalId)} (${this.globalId.length} characters) gives the ${longest.what} ${show(longest.id)} of ${longest.id.length} characters; RDS allows ${longest.max} (${RDS_ID_DOC})`,
      fix: `use a ${property} of at most ${fit} characters for these regions (for a database already deployed under this name, keep the name and add no region with a longer name)`,
    }];
  }
}

/**
 * The default global identifier. Earlier versions derived up to 48
 * characters, too long for the instance identifiers in a 14-character region
 * (`<id>-ap-southeast-2-1` is 65). That identifier is kept wherever it fits
 * the primary's own cluster and instances — a database deployed with it keeps
 * its name; replica regions it does not fit get shortened identifiers
 * ({@link IdentifierScheme}). Where it never fitted (so never deployed), the
 * identifier is derived short enough for any region: 63 - `-<14-character
 * region>-<2 digits>`.
 */
export function defaultGlobalIdentifier(scope: Construct, region: string, instances: number): string {
  const derive = (maxLength: number) => {
    const unique = Names.uniqueResourceName(scope, { maxLength, separator: '-' }).toLowerCase();
    return `mrc-${unique}`.replace(/[^a-z0-9-]/g, '').replace(/-+/g, '-').replace(/-$/, '');
  };
  const legacy = derive(44);
  if (`${legacy}-${region}-${Math.max(1, instances)}`.length <= DB_INSTANCE_ID_MAX) return legacy;
  return derive(DB_INSTANCE_ID_MAX - 1 - LONGEST_REGION_NAME - 3 - 'mrc-'.length);
}
