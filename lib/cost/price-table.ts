/**
 * The versioned price table (prices.json in this folder): list prices per
 * cloud and Region, each with the page it was read from and the date. A
 * `--prices FILE` in the same format overrides entries one by one.
 */
import { show } from '../core/errors';
import DEFAULT_TABLE from './prices.json';
import { costInputError, PositionedFile, readPositionedFile } from './source-file';
import { Cloud } from './types';

/** One price: USD per unit, where it was read, and when. */
export interface PriceEntry {
  readonly usd: number;
  readonly unit: string;
  /** The public pricing page the value was read from, or why it was not found there and where it comes from. */
  readonly source: string;
  /** Date the value was read, YYYY-MM-DD. */
  readonly date: string;
  readonly note?: string;
}

/** Entries by key, per Region (`global` for prices that do not depend on one), per cloud. */
export type PriceMap = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, PriceEntry>>>>>>;

/** The file format. */
export interface PriceTableData {
  readonly format?: string;
  readonly version: string;
  readonly currency?: 'USD';
  readonly hoursPerMonth?: number;
  readonly description?: string;
  readonly prices: PriceMap;
}

/** What a lookup found: the entry and the Region it came from, or what is missing. */
export type PriceLookup =
  | { readonly found: true; readonly entry: PriceEntry; readonly region: string }
  | { readonly found: false; readonly missing: 'region' | 'key'; readonly region: string; readonly key: string };

export const GLOBAL = 'global';
const CLOUDS: readonly Cloud[] = ['aws', 'gcp'];

/** Prices by cloud, Region and key. */
export class PriceTable {
  /** The table shipped with the package. */
  public static builtIn(): PriceTable {
    return new PriceTable(DEFAULT_TABLE as PriceTableData);
  }

  /** The built-in table with the entries of `overridesFile` (same format) replacing its own. */
  public static withOverrides(overridesFile: string): PriceTable {
    const file = readPositionedFile(overridesFile, 'price file');
    const overrides = validatePriceTable(file);
    const base = DEFAULT_TABLE as PriceTableData;
    const merged: Record<string, Record<string, Record<string, PriceEntry>>> = {};
    for (const cloud of CLOUDS) {
      merged[cloud] = {};
      for (const source of [base.prices[cloud] ?? {}, overrides.prices[cloud] ?? {}]) {
        for (const [region, entries] of Object.entries(source)) merged[cloud][region] = { ...merged[cloud][region], ...entries };
      }
    }
    return new PriceTable({ ...base, prices: merged }, `${overridesFile} (version ${overrides.version})`);
  }

  public readonly version: string;
  public readonly hoursPerMonth: number;

  private constructor(private readonly data: PriceTableData, public readonly overrides?: string) {
    this.version = data.version;
    this.hoursPerMonth = data.hoursPerMonth ?? 730;
  }

  /** Looks `key` up in `region`, then in `global`. */
  public lookup(cloud: Cloud, region: string, key: string): PriceLookup {
    const byRegion = this.data.prices[cloud] ?? {};
    const regional = byRegion[region]?.[key];
    if (regional) return { found: true, entry: regional, region };
    const global = byRegion[GLOBAL]?.[key];
    if (global) return { found: true, entry: global, region: GLOBAL };
    return { found: false, missing: byRegion[region] || region === GLOBAL ? 'key' : 'region', region, key };
  }

  /** Regions the table has prices for (without `global`). */
  public regions(cloud: Cloud): string[] {
    return Object.keys(this.data.prices[cloud] ?? {}).filter((r) => r !== GLOBAL);
  }

  /** Every entry, for the docs table. */
  public entries(): { cloud: Cloud; region: string; key: string; entry: PriceEntry }[] {
    return CLOUDS.flatMap((cloud) => Object.entries(this.data.prices[cloud] ?? {}).flatMap(([region, entries]) =>
      Object.entries(entries).map(([key, entry]) => ({ cloud, region, key, entry }))));
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a parsed price file; the first problem is thrown with its file:line:column and key. */
export function validatePriceTable(file: PositionedFile): PriceTableData {
  const fail = (path: (string | number)[], value: unknown, what: string, fix: string): never => {
    const key = path.join('.');
    throw costInputError(file.at(path), { property: key, message: `${key} ${show(value)} ${what}`, fix });
  };
  const root = file.value;
  if (!isRecord(root)) fail([], root, 'is not an object', 'write the price file as an object with "version" and "prices" (see lib/cost/prices.json)');
  const data = root as Record<string, unknown>;
  if (typeof data.version !== 'string' || data.version === '') fail(['version'], data.version, 'is not a version string', 'set "version" to the date the prices were read, e.g. "2026-11-29"');
  if (data.hoursPerMonth !== undefined && !(typeof data.hoursPerMonth === 'number' && data.hoursPerMonth > 0)) {
    fail(['hoursPerMonth'], data.hoursPerMonth, 'is not a positive number', 'set "hoursPerMonth" to 730 or leave it out');
  }
  if (!isRecord(data.prices)) fail(['prices'], data.prices, 'is not an object', 'set "prices" to { "aws": { "<region>": { "<key>": { "usd": …, "unit": …, "source": …, "date": … } } } }');
  const prices = data.prices as Record<string, unknown>;
  for (const [cloud, regions] of Object.entries(prices)) {
    if (!(CLOUDS as readonly string[]).includes(cloud)) fail(['prices', cloud], cloud, 'is not a cloud the estimator prices', 'use "aws" or "gcp"');
    if (!isRecord(regions)) fail(['prices', cloud], regions, 'is not an object of Regions', `set prices.${cloud} to { "<region>": { … } }`);
    for (const [region, entries] of Object.entries(regions as Record<string, unknown>)) {
      if (!isRecord(entries)) fail(['prices', cloud, region], entries, 'is not an object of prices', `set prices.${cloud}.${region} to { "<key>": { "usd": … } }`);
      for (const [key, entry] of Object.entries(entries as Record<string, unknown>)) {
        const at = ['prices', cloud, region, key];
        if (!isRecord(entry)) fail(at, entry, 'is not a price entry', 'give { "usd": number, "unit": string, "source": string, "date": "YYYY-MM-DD" }');
        const e = entry as Record<string, unknown>;
        if (typeof e.usd !== 'number' || !Number.isFinite(e.usd)) fail([...at, 'usd'], e.usd, 'is not a number', 'set usd to the list price in USD per unit');
        if ((e.usd as number) < 0) fail([...at, 'usd'], e.usd, 'is negative', 'set usd to a price of 0 or more');
        for (const field of ['unit', 'source'] as const) {
          if (typeof e[field] !== 'string' || e[field] === '') fail([...at, field], e[field], 'is not a non-empty string', `set ${field} (the ${field === 'unit' ? 'unit the price is per' : 'pricing page URL the price was read from'})`);
        }
        if (typeof e.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(e.date)) fail([...at, 'date'], e.date, 'is not a date', 'set date to the day the price was read, YYYY-MM-DD');
      }
    }
  }
  return data as unknown as PriceTableData;
}
