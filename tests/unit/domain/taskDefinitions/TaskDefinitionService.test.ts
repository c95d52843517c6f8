import fc from 'fast-check';
import { ClientException } from '../../../../functions/domain/errors';
import type {
  TaskDefinitionFamilyRecord,
  TaskDefinitionRecord,
} from '../../../../functions/domain/model';
import type { TaskDefinitionRepository } from '../../../../functions/domain/ports/TaskDefinitionRepository';
import { TaskDefinitionService } from '../../../../functions/domain/taskDefinitions/TaskDefinitionService';

/**
 * An in-memory repository whose appendRevision is atomic like the DynamoDB
 * transaction: it succeeds only when the family's counter is still at the
 * expected value. `yieldBetween` lets concurrent callers interleave.
 */
const memoryRepository = () => {
  const families = new Map<string, TaskDefinitionFamilyRecord>();
  const revisions = new Map<string, TaskDefinitionRecord>();
  let writes = 0;
  const repository: Partial<TaskDefinitionRepository> = {
    appendRevision: async (record, expected) => {
      await new Promise((done) => setImmediate(done));
      writes += 1;
      const family = families.get(record.family);
      if ((family?.latestRevision ?? 0) !== expected) return { outcome: 'conflict', family };
      families.set(record.family, {
        family: record.family,
        latestRevision: record.revision,
        activeRevisions: (family?.activeRevisions ?? 0) + 1,
      });
      revisions.set(`${record.family}:${record.revision}`, record);
      return { outcome: 'appended' };
    },
  };
  return { repository: repository as TaskDefinitionRepository, revisions, writes: () => writes };
};

const body = (family: string) => ({
  family,
  containerDefinitions: [{ name: 'c', image: 'i', memory: 64 }],
});

const serviceOver = (repository: TaskDefinitionRepository) =>
  new TaskDefinitionService({
    taskDefinitions: repository,
    workflows: {
      startTaskDefinitionCleanup: async () => {},
      startTaskLifecycle: async () => {},
      resume: async () => {},
    },
    clock: { now: () => 1_700_000_000_000 },
    arns: { accountId: '000000000000', region: 'us-east-1' },
    sleep: async () => {},
  });

describe('Class: TaskDefinitionService', () => {
  describe('Method: register', () => {
    it('numbers any number of concurrent registrations 1..n, from any number of processes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 1, max: 4 }),
          async (count, processes) => {
            // Prepare: several service instances share one store, as Lambda containers do.
            const { repository, revisions } = memoryRepository();
            const services = Array.from({ length: processes }, () => serviceOver(repository));

            // Act
            const results = await Promise.all(
              Array.from({ length: count }, (_, i) =>
                services[i % processes]!.register(body('web')),
              ),
            );

            // Assess
            const numbers = results.map((r) => r.taskDefinition.revision).sort((a, b) => a! - b!);
            expect(numbers).toEqual(Array.from({ length: count }, (_, i) => i + 1));
            expect(revisions.size).toBe(count);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('needs one write per registration once it has seen the family', async () => {
      const { repository, writes } = memoryRepository();
      const service = serviceOver(repository);
      await service.register(body('api'));
      const before = writes();

      await service.register(body('api'));
      await service.register(body('api'));

      expect(writes() - before).toBe(2);
    });

    it("gives up with ECS's ClientException when it never wins the race", async () => {
      const always: Partial<TaskDefinitionRepository> = {
        appendRevision: async () => ({
          outcome: 'conflict',
          family: {
            family: 'f',
            latestRevision: Math.floor(Math.random() * 100),
            activeRevisions: 1,
          },
        }),
      };

      const attempt = serviceOver(always as TaskDefinitionRepository).register(body('f'));

      await expect(attempt).rejects.toBeInstanceOf(ClientException);
      await expect(attempt).rejects.toThrow(
        'Too many concurrent attempts to create a new revision of the specified family.',
      );
    });
  });
});
