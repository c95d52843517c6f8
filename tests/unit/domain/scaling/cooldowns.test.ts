import {
  type Cooldowns,
  cooldownsAt,
  type ScalingRecord,
} from '../../../../functions/domain/scaling/cooldowns';

const T0 = 1_700_000_000_000;
const S = 1000;

const record = (
  at: number,
  fromCapacity: number,
  toCapacity: number,
  overrides: Partial<ScalingRecord> = {},
): ScalingRecord => ({
  at,
  fromCapacity,
  toCapacity,
  source: 'policy',
  policyName: 'p',
  cooldownSeconds: 300,
  ...overrides,
});

describe('Function: cooldownsAt', () => {
  it.each([
    ['no cooldown without history', [], T0, {}],
    [
      'a scale-out cooldown measured from the capacity before it',
      [record(T0, 10, 12)],
      T0 + 100 * S,
      { scaleOut: { baseline: 10, until: T0 + 300 * S } },
    ],
    ['no cooldown once it has run out', [record(T0, 10, 12)], T0 + 300 * S, {}],
    [
      'one chain for scale-outs within each other’s cooldown, from the first baseline',
      [record(T0, 10, 12), record(T0 + 200 * S, 12, 13)],
      T0 + 400 * S,
      { scaleOut: { baseline: 10, until: T0 + 500 * S } },
    ],
    [
      'a new chain for a scale-out after the cooldown ran out',
      [record(T0, 10, 12), record(T0 + 400 * S, 12, 13)],
      T0 + 450 * S,
      { scaleOut: { baseline: 12, until: T0 + 700 * S } },
    ],
    ['a scale-in cooldown', [record(T0, 10, 8)], T0 + 299 * S, { scaleInUntil: T0 + 300 * S }],
    [
      'no scale-in cooldown after a scale-out ended it',
      [record(T0, 10, 8), record(T0 + 60 * S, 8, 9, { cooldownSeconds: 0 })],
      T0 + 100 * S,
      {},
    ],
    [
      'no scale-out cooldown after a scale-in broke the chain',
      [record(T0, 10, 12), record(T0 + 60 * S, 12, 11, { cooldownSeconds: 0 })],
      T0 + 100 * S,
      {},
    ],
    [
      'no cooldown from a scheduled action',
      [record(T0, 10, 20, { source: 'scheduled' }), record(T0, 20, 5, { source: 'manual' })],
      T0 + 10 * S,
      {},
    ],
    [
      'the cooldown of the policy’s own length',
      [record(T0, 4, 6, { cooldownSeconds: 60 })],
      T0 + 59 * S,
      { scaleOut: { baseline: 4, until: T0 + 60 * S } },
    ],
    ['nothing from activities after now', [record(T0 + 10 * S, 4, 6)], T0, {}],
  ] as [string, ScalingRecord[], number, Cooldowns][])(
    'finds %s',
    (_case, records, now, expected) => {
      // Act
      const cooldowns = cooldownsAt(records, now);

      // Assess
      expect(cooldowns.scaleOut).toEqual(expected.scaleOut);
      expect(cooldowns.scaleInUntil).toEqual(expected.scaleInUntil);
    },
  );
});
