/**
 * Cooldowns, from the target's recent successful scaling activities
 * (scaling.md §1.3–§1.4):
 *
 * - after a scale-out, further scale-out is held back for the policy's
 *   ScaleOutCooldown (Cooldown for step policies) unless a larger one is
 *   asked for; the capacity already added counts toward it, so a request is
 *   measured from the capacity before the cooldown began (+2 done, +3 asked:
 *   +1 more);
 * - after a scale-in, scale-in waits for ScaleInCooldown; a scale-out in
 *   between ends that wait;
 * - scheduled actions and manual changes start no cooldown (and are not
 *   held by one: the decision for them does not ask).
 *
 * ```
 *   out +2 (cd 300 s)   out +1 (cd 300 s)                  now
 *   |---------------------|---------------------------|     |
 *   t0                    t0+200                   t0+500   (cooldown over)
 *   baseline = capacity before t0, until t0+200+300
 * ```
 */

/** A successful change of the target's capacity, as the activity log keeps it. */
interface ScalingRecord {
  /** When the capacity was set, epoch ms. */
  readonly at: number;
  readonly fromCapacity: number;
  readonly toCapacity: number;
  /** Only policies start cooldowns. */
  readonly source: 'policy' | 'scheduled' | 'manual';
  readonly policyName?: string | undefined;
  /** The cooldown the policy gives that direction, in seconds. */
  readonly cooldownSeconds?: number | undefined;
}

interface ScaleOutCooldown {
  /** When it ends, epoch ms (exclusive). */
  readonly until: number;
  /** The capacity before the scale-out that started it. */
  readonly baseline: number;
}

interface Cooldowns {
  readonly scaleOut?: ScaleOutCooldown | undefined;
  /** When the scale-in cooldown ends, epoch ms (exclusive). */
  readonly scaleInUntil?: number | undefined;
}

const endOf = (record: ScalingRecord): number => record.at + (record.cooldownSeconds ?? 0) * 1000;

/**
 * The cooldowns in force at `now`. Scale-outs that each start within the
 * previous one's cooldown form one chain, measured from the capacity before
 * the first; a scale-in breaks the chain.
 */
const cooldownsAt = (records: readonly ScalingRecord[], now: number): Cooldowns => {
  const ordered = [...records].filter((record) => record.at <= now).sort((a, b) => a.at - b.at);
  let scaleOut: ScaleOutCooldown | undefined;
  let scaleInUntil: number | undefined;
  for (const record of ordered) {
    const isOut = record.toCapacity > record.fromCapacity;
    const isIn = record.toCapacity < record.fromCapacity;
    if (isOut) scaleInUntil = undefined;
    if (isIn) scaleOut = undefined;
    if (record.source !== 'policy') continue;
    if (isOut) {
      const chained = scaleOut !== undefined && record.at < scaleOut.until;
      scaleOut = {
        baseline: chained && scaleOut ? scaleOut.baseline : record.fromCapacity,
        until: Math.max(endOf(record), chained && scaleOut ? scaleOut.until : 0),
      };
    }
    if (isIn) scaleInUntil = endOf(record);
  }
  return {
    scaleOut: scaleOut && now < scaleOut.until ? scaleOut : undefined,
    scaleInUntil: scaleInUntil !== undefined && now < scaleInUntil ? scaleInUntil : undefined,
  };
};

/**
 * A scale-out proposal made on the current capacity, measured instead from
 * the cooldown's baseline: its increase counts the capacity already added.
 *
 * @example rebaseScaleOut(15, 12, 10) // 13: +3 asked on 10, 12 already there
 */
const rebaseScaleOut = (proposed: number, current: number, baseline: number): number =>
  baseline + (proposed - current);

export type { Cooldowns, ScaleOutCooldown, ScalingRecord };
export { cooldownsAt, rebaseScaleOut };
