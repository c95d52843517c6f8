import fc from 'fast-check';
import type { ScalingRecord } from '../../../../functions/domain/scaling/cooldowns';
import {
  applyScalableTargetAction,
  applyScheduledAction,
  decideScaling,
  type PolicyProposal,
} from '../../../../functions/domain/scaling/decide';
import { NOTHING_SUSPENDED } from '../../../../functions/domain/scaling/model';
import {
  type AlarmReading,
  proposeTargetTrackingCapacity,
} from '../../../../functions/domain/scaling/targetTracking';

const NOW = 1_700_000_000_000;
const HIGH = 'TargetTracking-service/c/s-AlarmHigh-1';
const LOW = 'TargetTracking-service/c/s-AlarmLow-1';

const target = (min = 1, max = 20, suspended: Partial<typeof NOTHING_SUSPENDED> = {}) => ({
  MinCapacity: min,
  MaxCapacity: max,
  SuspendedState: { ...NOTHING_SUSPENDED, ...suspended },
});

const out = (policyName: string, capacity: number, votesOnScaleIn = true): PolicyProposal => ({
  policyName,
  alarmName: HIGH,
  direction: 'out',
  capacity,
  votesOnScaleIn,
});
const into = (policyName: string, capacity: number, votesOnScaleIn = true): PolicyProposal => ({
  policyName,
  alarmName: LOW,
  direction: 'in',
  capacity,
  votesOnScaleIn,
});
const hold = (policyName: string, capacity: number, votesOnScaleIn = true): PolicyProposal => ({
  policyName,
  direction: 'hold',
  capacity,
  votesOnScaleIn,
});

const activity = (secondsAgo: number, from: number, to: number): ScalingRecord => ({
  at: NOW - secondsAgo * 1000,
  fromCapacity: from,
  toCapacity: to,
  source: 'policy',
  cooldownSeconds: 300,
});

describe('Function: decideScaling', () => {
  it.each([
    ['scales out when one policy asks', 10, [out('cpu', 13), hold('mem', 10)], [], 13],
    ['takes the largest of two scale-outs', 10, [out('cpu', 13), out('mem', 18)], [], 18],
    [
      'scales out even when another policy asks to scale in',
      10,
      [out('cpu', 12), into('mem', 8)],
      [],
      12,
    ],
    ['scales in when every voting policy asks', 10, [into('cpu', 6), into('mem', 8)], [], 8],
    [
      'scales in with a policy that has scale-in disabled holding',
      10,
      [into('cpu', 6), hold('mem', 10, false)],
      [],
      6,
    ],
    [
      'scales in on a step policy with no target tracking policy',
      10,
      [into('step', 7, false)],
      [],
      7,
    ],
    ['clamps a scale-out to the maximum', 10, [out('cpu', 40)], [], 20],
    ['clamps a scale-in to the minimum', 4, [into('cpu', 0)], [], 1],
    [
      'adds only the excess during a scale-out cooldown',
      12,
      [out('step', 15)],
      [activity(60, 10, 12)],
      13,
    ],
    ['scales out after the scale-out cooldown', 12, [out('step', 15)], [activity(300, 10, 12)], 15],
    [
      'scales in after a scale-out despite a scale-in cooldown',
      9,
      [into('cpu', 7)],
      [activity(200, 10, 8), activity(100, 8, 9)],
      7,
    ],
  ])('%s', (_case, current, proposals, history, expected) => {
    // Act
    const decision = decideScaling({
      target: target(),
      currentCapacity: current,
      proposals,
      history,
      now: NOW,
    });

    // Assess
    expect(decision).toMatchObject({ kind: 'scale', fromCapacity: current, toCapacity: expected });
  });

  it.each([
    ['nothing triggered', 10, target(), [hold('cpu', 10)], [], 'NoPolicyTriggered'],
    [
      'a voting policy holding',
      10,
      target(),
      [into('cpu', 6), hold('mem', 10)],
      [],
      'ScaleInNotAgreed',
    ],
    [
      'scale-out suspended',
      10,
      target(1, 20, { DynamicScalingOutSuspended: true }),
      [out('cpu', 12)],
      [],
      'ScaleOutSuspended',
    ],
    [
      'scale-in suspended',
      10,
      target(1, 20, { DynamicScalingInSuspended: true }),
      [into('cpu', 8)],
      [],
      'ScaleInSuspended',
    ],
    [
      'a smaller request in the scale-out cooldown',
      12,
      target(),
      [out('step', 13)],
      [activity(60, 10, 12)],
      'ScaleOutCooldown',
    ],
    [
      'the scale-in cooldown',
      8,
      target(),
      [into('cpu', 6)],
      [activity(60, 10, 8)],
      'ScaleInCooldown',
    ],
    ['the maximum reached', 20, target(), [out('cpu', 25)], [], 'AlreadyAtMaxCapacity'],
    ['the minimum reached', 1, target(), [into('cpu', 0)], [], 'AlreadyAtMinCapacity'],
  ])('does nothing for %s', (_case, current, scalable, proposals, history, why) => {
    // Act
    const decision = decideScaling({
      target: scalable,
      currentCapacity: current,
      proposals,
      history,
      now: NOW,
    });

    // Assess
    expect(decision).toMatchObject({ kind: 'none', why });
  });

  it('writes AWS’s Cause and Description', () => {
    // Act
    const decision = decideScaling({
      target: target(),
      currentCapacity: 2,
      proposals: [out('cpu-policy', 3)],
      history: [],
      now: NOW,
    });

    // Assess
    expect(decision).toEqual({
      kind: 'scale',
      direction: 'out',
      fromCapacity: 2,
      toCapacity: 3,
      policyName: 'cpu-policy',
      cause: `monitor alarm ${HIGH} in state ALARM triggered policy cpu-policy`,
      description: 'Setting desired count to 3.',
    });
  });

  it('records why a bound stopped it, as a not-scaled activity', () => {
    // Act
    const decision = decideScaling({
      target: target(1, 5),
      currentCapacity: 5,
      proposals: [out('cpu-policy', 8)],
      history: [],
      now: NOW,
    });

    // Assess
    expect(decision).toEqual({
      kind: 'none',
      why: 'AlreadyAtMaxCapacity',
      cause: `monitor alarm ${HIGH} in state ALARM triggered policy cpu-policy`,
      notScaledReasons: [
        { Code: 'AlreadyAtMaxCapacity', MaxCapacity: 5, MinCapacity: 1, CurrentCapacity: 5 },
      ],
    });
  });

  describe('properties', () => {
    const reading: fc.Arbitrary<AlarmReading> = fc.record({
      state: fc.constantFrom('OK' as const, 'ALARM' as const, 'INSUFFICIENT_DATA' as const),
      value: fc.option(fc.double({ min: 0, max: 400, noNaN: true }), { nil: undefined }),
    });
    const policy = fc.record({
      high: reading,
      low: reading,
      targetValue: fc.double({ min: 1, max: 200, noNaN: true }),
      disableScaleIn: fc.boolean(),
    });
    const bounds = fc
      .tuple(fc.nat(30), fc.nat(30))
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
    const history = fc.array(
      fc.record({
        at: fc.integer({ min: NOW - 900_000, max: NOW }),
        fromCapacity: fc.nat(40),
        toCapacity: fc.nat(40),
        source: fc.constantFrom('policy' as const, 'scheduled' as const),
        cooldownSeconds: fc.nat(600),
      }),
      { maxLength: 4 },
    );
    const suspended = fc.record({
      DynamicScalingInSuspended: fc.boolean(),
      DynamicScalingOutSuspended: fc.boolean(),
      ScheduledScalingSuspended: fc.boolean(),
    });

    const proposalsOf = (
      policies: {
        high: AlarmReading;
        low: AlarmReading;
        targetValue: number;
        disableScaleIn: boolean;
      }[],
      current: number,
    ): PolicyProposal[] =>
      policies.map((settings, index) => {
        const proposal = proposeTargetTrackingCapacity({ ...settings, currentCapacity: current });
        return {
          policyName: `p${index}`,
          direction: proposal.direction,
          capacity: proposal.capacity,
          votesOnScaleIn: !settings.disableScaleIn,
        };
      });

    it('always lands within [min, max] and moves in the direction it names', () => {
      fc.assert(
        fc.property(
          fc.array(policy, { maxLength: 4 }),
          bounds,
          fc.nat(40),
          history,
          suspended,
          (policies, [min, max], current, records, state) => {
            const decision = decideScaling({
              target: { MinCapacity: min, MaxCapacity: max, SuspendedState: state },
              currentCapacity: current,
              proposals: proposalsOf(policies, current),
              history: records,
              now: NOW,
            });
            if (decision.kind === 'scale') {
              expect(decision.toCapacity).toBeGreaterThanOrEqual(min);
              expect(decision.toCapacity).toBeLessThanOrEqual(max);
              if (decision.direction === 'out')
                expect(decision.toCapacity).toBeGreaterThan(current);
              else expect(decision.toCapacity).toBeLessThan(current);
            }
          },
        ),
      );
    });

    it('never scales in while every alarm lacks data', () => {
      fc.assert(
        fc.property(
          fc.array(policy, { minLength: 1, maxLength: 4 }),
          bounds,
          fc.nat(40),
          history,
          (policies, [min, max], current, records) => {
            const blind = policies.map((settings) => ({
              ...settings,
              high: { state: 'INSUFFICIENT_DATA' as const },
              low: { state: 'INSUFFICIENT_DATA' as const },
            }));
            const decision = decideScaling({
              target: { MinCapacity: min, MaxCapacity: max, SuspendedState: NOTHING_SUSPENDED },
              currentCapacity: current,
              proposals: proposalsOf(blind, current),
              history: records,
              now: NOW,
            });
            expect(decision.kind === 'scale' && decision.direction === 'in').toBe(false);
          },
        ),
      );
    });

    it('never scales in while a policy with scale-in enabled asks for at least the current capacity', () => {
      const anyProposal = fc.record({
        policyName: fc.constantFrom('a', 'b', 'c'),
        direction: fc.constantFrom('out' as const, 'in' as const, 'hold' as const),
        capacity: fc.nat(40),
        votesOnScaleIn: fc.boolean(),
      });
      fc.assert(
        fc.property(
          fc.array(anyProposal, { maxLength: 5 }),
          bounds,
          fc.nat(40),
          (proposals, [min, max], current) => {
            const decision = decideScaling({
              target: { MinCapacity: min, MaxCapacity: max, SuspendedState: NOTHING_SUSPENDED },
              currentCapacity: current,
              proposals,
              history: [],
              now: NOW,
            });
            if (decision.kind === 'scale' && decision.direction === 'in') {
              const holdingVoters = proposals.filter(
                (proposal) => proposal.votesOnScaleIn && proposal.capacity >= current,
              );
              expect(holdingVoters).toEqual([]);
            }
          },
        ),
      );
    });
  });
});

describe('Function: applyScalableTargetAction', () => {
  it.each([
    [
      'raises the capacity to a new minimum',
      { MinCapacity: 5 },
      3,
      { MinCapacity: 5, MaxCapacity: 10, capacity: 5 },
    ],
    [
      'lowers the capacity to a new maximum',
      { MaxCapacity: 2 },
      3,
      { MinCapacity: 1, MaxCapacity: 2, capacity: 2 },
    ],
    [
      'keeps a capacity already inside',
      { MinCapacity: 2, MaxCapacity: 8 },
      3,
      { MinCapacity: 2, MaxCapacity: 8, capacity: 3 },
    ],
    [
      'keeps both bounds for an empty action',
      {},
      3,
      { MinCapacity: 1, MaxCapacity: 10, capacity: 3 },
    ],
    [
      'lifts the kept maximum to a minimum above it',
      { MinCapacity: 15 },
      3,
      { MinCapacity: 15, MaxCapacity: 15, capacity: 15 },
    ],
    [
      'lowers the kept minimum to a maximum below it',
      { MaxCapacity: 0 },
      3,
      { MinCapacity: 0, MaxCapacity: 0, capacity: 0 },
    ],
  ])('%s', (_case, action, current, expected) => {
    expect(applyScalableTargetAction({ MinCapacity: 1, MaxCapacity: 10 }, current, action)).toEqual(
      expected,
    );
  });
});

describe('Function: applyScheduledAction', () => {
  it('applies the action whatever the cooldowns, with its Cause', () => {
    expect(applyScheduledAction(target(1, 10), 3, 'morning', { MinCapacity: 6 })).toEqual({
      kind: 'applied',
      MinCapacity: 6,
      MaxCapacity: 10,
      capacity: 6,
      cause: 'scheduled action name morning was triggered',
    });
  });

  it('does nothing while scheduled scaling is suspended', () => {
    expect(
      applyScheduledAction(target(1, 10, { ScheduledScalingSuspended: true }), 3, 'morning', {
        MinCapacity: 6,
      }),
    ).toEqual({ kind: 'suspended' });
  });
});
