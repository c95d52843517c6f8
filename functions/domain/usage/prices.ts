import { isJsonObject } from '../validation/shape';

/**
 * What Fargate charges, in USD, and the rules the amounts go with. The
 * defaults are AWS's us-east-1 prices as scaling.md §6 records them
 * (vantage.sh and 2024–2026 write-ups); AWS's own page renders them
 * dynamically, so an operator who bills elsewhere, or after AWS moves them,
 * configures an override (`readPrices`).
 *
 * - vCPU and memory: "calculated based on the vCPU, memory, Operating Systems,
 *   CPU Architecture, and storage resources used from the time you start to
 *   download your container image until the Amazon ECS Task … terminates,
 *   rounded up to the nearest second" — https://aws.amazon.com/fargate/pricing/
 * - One-minute minimum for Linux: the same page (quoted in
 *   devops.stackexchange.com/questions/4830: "A minimum charge of 1 minute
 *   applies").
 * - Windows: its own vCPU and GB rates plus an OS licence per vCPU-hour, and a
 *   15-minute minimum. The minimum is from AWS's announcement of Windows
 *   containers on Fargate (2021) and was not found in the sources searched
 *   here; it is configurable (`minimumSeconds.windows`).
 * - Ephemeral storage: 20 GB included; each GB configured above costs
 *   $0.000111 per GB-hour (scaling.md §6; Fargate task storage docs for the
 *   20 GiB default and the 200 GiB maximum).
 * - Fargate Spot: "up to a 70% discount off the regular Fargate price"; AWS
 *   publishes the current Spot rates, which move with supply and demand. The
 *   defaults are the on-demand rates less 70%, which is what us-east-1 has
 *   long quoted ($0.012144 per vCPU-hour); Spot runs Linux only, and storage
 *   is billed at the on-demand rate.
 */

/** The price of one vCPU and of one GB of memory for an hour. */
interface ComputeRates {
  readonly perVcpuHour: number;
  readonly perGbHour: number;
}

interface FargatePrices {
  readonly onDemand: {
    readonly linuxX86: ComputeRates;
    readonly linuxArm: ComputeRates;
    readonly windowsX86: ComputeRates;
  };
  readonly spot: {
    readonly linuxX86: ComputeRates;
    readonly linuxArm: ComputeRates;
  };
  /** Windows Server licence, charged per vCPU-hour on top of the Windows rates. */
  readonly windowsLicensePerVcpuHour: number;
  /** Ephemeral storage above `includedStorageGB`, per GB-hour. */
  readonly storagePerGbHour: number;
  readonly includedStorageGB: number;
  /** The shortest interval billed, in whole seconds. */
  readonly minimumSeconds: {
    readonly linux: number;
    readonly windows: number;
  };
}

/** us-east-1, USD. */
const DEFAULT_FARGATE_PRICES = {
  onDemand: {
    linuxX86: { perVcpuHour: 0.04048, perGbHour: 0.004445 },
    linuxArm: { perVcpuHour: 0.03238, perGbHour: 0.00356 },
    windowsX86: { perVcpuHour: 0.09148, perGbHour: 0.01005 },
  },
  spot: {
    linuxX86: { perVcpuHour: 0.012144, perGbHour: 0.0013335 },
    linuxArm: { perVcpuHour: 0.009714, perGbHour: 0.001068 },
  },
  windowsLicensePerVcpuHour: 0.046,
  storagePerGbHour: 0.000111,
  includedStorageGB: 20,
  minimumSeconds: { linux: 60, windows: 15 * 60 },
} as const satisfies FargatePrices;

/** The shape of the prices, as `readPrices` walks it: numbers at the leaves. */
interface PriceTree {
  readonly [member: string]: number | PriceTree;
}

/** Members counted in whole seconds, where a fraction means a typo. */
const WHOLE_NUMBER_MEMBERS = new Set(['minimumSeconds.linux', 'minimumSeconds.windows']);

const shown = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

const mergeOnto = (defaults: PriceTree, override: unknown, path: string): PriceTree => {
  if (!isJsonObject(override)) {
    throw new Error(
      `Invalid Fargate prices: ${path || 'the configuration'} must be an object, got ${shown(override)}.`,
    );
  }
  const merged: Record<string, number | PriceTree> = { ...defaults };
  for (const [member, value] of Object.entries(override)) {
    const memberPath = path ? `${path}.${member}` : member;
    const fallback = defaults[member];
    if (fallback === undefined) {
      throw new Error(
        `Invalid Fargate prices: unknown member ${memberPath}. Known members${path ? ` of ${path}` : ''}: ${Object.keys(defaults).join(', ')}.`,
      );
    }
    if (typeof fallback !== 'number') {
      merged[member] = mergeOnto(fallback, value, memberPath);
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(
        `Invalid Fargate prices: ${memberPath} must be a non-negative number, got ${shown(value)}.`,
      );
    }
    if (WHOLE_NUMBER_MEMBERS.has(memberPath) && !Number.isInteger(value)) {
      throw new Error(
        `Invalid Fargate prices: ${memberPath} must be a whole number of seconds, got ${value}.`,
      );
    }
    merged[member] = value;
  }
  return merged;
};

/**
 * The prices an operator configured, merged member by member onto the
 * us-east-1 defaults: `{"spot": {"linuxX86": {"perVcpuHour": 0.0125}}}`
 * changes that one rate. Accepts the parsed JSON or its text; `undefined`
 * and `null` mean no override.
 *
 * This reads operator configuration, not a request: a bad value is a plain
 * `Error` that stops the function at cold start rather than an API error.
 *
 * @example
 * const prices = readPrices(process.env.FARGATE_PRICES);
 * @throws Error naming the member, for text that is not JSON, an unknown
 *   member, or a value that is not a non-negative number.
 */
function readPrices(json: unknown): FargatePrices {
  if (json === undefined || json === null) return DEFAULT_FARGATE_PRICES;
  let parsed = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (cause) {
      throw new Error('Invalid Fargate prices: the configuration is not JSON.', { cause });
    }
  }
  // The merge walks the defaults' own shape, so the result has FargatePrices' members.
  return mergeOnto(DEFAULT_FARGATE_PRICES, parsed, '') as unknown as FargatePrices;
}

export type { ComputeRates, FargatePrices };
export { DEFAULT_FARGATE_PRICES, readPrices };
