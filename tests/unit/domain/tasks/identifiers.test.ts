import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  isManagedInstanceId,
  managedInstanceId,
  newId,
} from '../../../../functions/domain/tasks/identifiers';

/**
 * A FARGATE task's own host is told apart by its id alone, because the store
 * keys it by the id (`HOST#` instead of `INSTANCE#`): no id a registered
 * instance can get may look like one, and the same task always gets the same.
 */
describe('managed instance ids', () => {
  it.each([
    ['a task id', '0123456789abcdef0123456789abcdef'],
    ['another task id', 'fedcba9876543210fedcba9876543210'],
  ])('derives a stable, marked id of ECS length from %s', (_, taskId) => {
    const id = managedInstanceId(taskId);
    expect(id).toBe(managedInstanceId(taskId));
    expect(id).toHaveLength(32);
    expect(isManagedInstanceId(id)).toBe(true);
  });

  it('gives different tasks different hosts', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), (a, b) => {
        fc.pre(a !== b);
        expect(managedInstanceId(a)).not.toBe(managedInstanceId(b));
      }),
    );
  });

  it('never takes an id that a registered instance gets, nor one made before the mark', () => {
    // Registered instances get hex ids (as newId and ContainerInstanceService make them);
    // hosts made before the mark have the plain hex of a sha256 as well.
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{32}$/), (hex) => {
        expect(isManagedInstanceId(hex)).toBe(false);
      }),
    );
    expect(isManagedInstanceId(newId())).toBe(false);
    expect(isManagedInstanceId(randomUUID().replaceAll('-', ''))).toBe(false);
  });
});
