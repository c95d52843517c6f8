import { prepareRequest } from '../../../../functions/domain/placement/context';
import {
  binpack,
  compareScores,
  pickRandom,
  spreadAttribute,
  spreadInstances,
} from '../../../../functions/domain/placement/strategies';
import { instance, request } from './fixtures';

describe('Placement strategies', () => {
  const prepared = prepareRequest(request({ group: 'service:api' }));
  const context = {
    matches: () => true,
    groupTasksWhere: (attribute: string, value: string | undefined) =>
      attribute === 'ecs.availability-zone' && value === 'us-east-1b' ? 7 : 0,
  };
  const target = instance('a', {
    cpu: 300,
    memory: 700,
    zone: 'us-east-1b',
    groups: { 'service:api': 2, other: 9 },
  });

  it.each([
    ['binpack cpu scores the CPU left', binpack('cpu'), 300],
    ['binpack memory scores the memory left', binpack('memory'), 700],
    ['spread instanceId scores the group’s tasks on the instance', spreadInstances, 2],
    [
      'spread attribute scores the group’s tasks on the value',
      spreadAttribute('ecs.availability-zone'),
      7,
    ],
    ['spread attribute on a missing attribute scores its own bucket', spreadAttribute('rack'), 0],
  ])('%s', (_case, strategy, score) => {
    expect(strategy.score(target, prepared, context)).toBe(score);
  });

  it.each([
    ['the first strategy decides', [1, 9], [2, 0], -1],
    ['a tie passes to the next strategy', [1, 9], [1, 3], 1],
    ['equal on every strategy', [4, 4], [4, 4], 0],
  ])('compareScores: %s', (_case, left, right, sign) => {
    expect(Math.sign(compareScores(left, right))).toBe(sign);
  });

  it.each([
    [0, 10],
    [0.34, 20],
    [0.999_999, 30],
    [1, 30],
  ])('pickRandom maps a draw of %d onto the tied slots', (draw, slot) => {
    expect(pickRandom([10, 20, 30], () => draw)).toBe(slot);
  });
});
