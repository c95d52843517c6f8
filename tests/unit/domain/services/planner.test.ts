import fc from 'fast-check';
import type {
  DeploymentRecord,
  ServiceLaunch,
  ServiceRecord,
  ServiceTask,
} from '../../../../functions/domain/services/model';
import {
  chooseToStop,
  circuitBreakerThreshold,
  isHealthy,
  maximumTasks,
  minimumHealthyTasks,
  planService,
} from '../../../../functions/domain/services/planner';

const NOW = 1_700_000_000_000;

const launch = (revision: number): ServiceLaunch => ({
  family: 'web',
  revision,
  launchType: 'EC2',
  placementConstraints: [],
  placementStrategy: [],
});

const deployment = (id: string, revision: number, overrides: Partial<DeploymentRecord> = {}) =>
  ({
    ...launch(revision),
    id,
    status: 'PRIMARY',
    desiredCount: 0,
    runningCount: 0,
    pendingCount: 0,
    failedTasks: 0,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  }) satisfies DeploymentRecord;

const service = (overrides: Partial<ServiceRecord> = {}): ServiceRecord => ({
  cluster: 'c',
  name: 'web',
  status: 'ACTIVE',
  schedulingStrategy: 'REPLICA',
  desiredCount: 4,
  runningCount: 0,
  pendingCount: 0,
  deploymentConfiguration: {
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    circuitBreaker: { enable: false, rollback: false },
  },
  deployments: [deployment('ecs-svc/1', 1)],
  loadBalancers: [],
  propagateTags: 'NONE',
  enableECSManagedTags: false,
  tags: [],
  events: [],
  steady: false,
  createdAt: NOW,
  version: 1,
  ...overrides,
});

let taskSeq = 0;
const task = (deploymentId: string, lastStatus: string, overrides: Partial<ServiceTask> = {}) => {
  taskSeq += 1;
  return {
    id: `t${String(taskSeq).padStart(4, '0')}`,
    deploymentId,
    lastStatus,
    desiredStatus: 'RUNNING',
    instance: 'ACTIVE',
    ...(lastStatus === 'RUNNING' ? { startedAt: NOW } : {}),
    ...overrides,
  } satisfies ServiceTask;
};

const plan = (record: ServiceRecord, tasks: ServiceTask[]) =>
  planService(record, tasks, { now: NOW, newDeploymentId: () => 'ecs-svc/new' });

describe('the bounds', () => {
  it.each([
    // desired, min %, max %, fewest healthy, most tasks
    [4, 100, 200, 4, 8],
    [4, 50, 100, 2, 4],
    [3, 50, 150, 2, 4],
    [1, 0, 100, 0, 1],
    [0, 100, 200, 0, 0],
    [10, 33, 133, 4, 13],
  ])(
    'desired %i with %i%%/%i%% keeps %i healthy and at most %i tasks',
    (desired, min, max, healthy, most) => {
      const record = service({
        desiredCount: desired,
        deploymentConfiguration: {
          minimumHealthyPercent: min,
          maximumPercent: max,
          circuitBreaker: { enable: false, rollback: false },
        },
      });
      expect(minimumHealthyTasks(record)).toBe(healthy);
      expect(maximumTasks(record)).toBe(most);
    },
  );

  it.each([
    [1, 10],
    [20, 10],
    [21, 11],
    [400, 200],
    [1000, 200],
  ])('the circuit breaker trips for desired %i after %i failed tasks', (desired, threshold) => {
    expect(circuitBreakerThreshold(desired)).toBe(threshold);
  });
});

describe('planService for a REPLICA service', () => {
  it('launches the desired count into an empty service', () => {
    const result = plan(service(), []);
    expect(result.launches).toEqual([{ deploymentId: 'ecs-svc/1', launch: launch(1), count: 4 }]);
    expect(result.stops).toEqual([]);
    expect(result.becameSteady).toBe(false);
  });

  it('replaces a task that stopped, and only that one', () => {
    const tasks = [
      task('ecs-svc/1', 'RUNNING'),
      task('ecs-svc/1', 'RUNNING'),
      task('ecs-svc/1', 'RUNNING'),
      task('ecs-svc/1', 'STOPPED', { desiredStatus: 'STOPPED', startedAt: NOW }),
    ];
    expect(plan(service(), tasks).launches).toEqual([
      { deploymentId: 'ecs-svc/1', launch: launch(1), count: 1 },
    ]);
  });

  it('stops the surplus on scale-in, tasks not yet RUNNING first', () => {
    const pending = task('ecs-svc/1', 'PENDING');
    const tasks = [
      task('ecs-svc/1', 'RUNNING'),
      task('ecs-svc/1', 'RUNNING'),
      pending,
      task('ecs-svc/1', 'RUNNING'),
    ];
    const result = plan(service({ desiredCount: 2 }), tasks);
    expect(result.stops).toHaveLength(2);
    expect(result.stops[0]?.taskId).toBe(pending.id);
    expect(result.launches).toEqual([]);
  });

  it('is steady once exactly the desired count runs, and says so once', () => {
    const tasks = [1, 2, 3, 4].map(() => task('ecs-svc/1', 'RUNNING'));
    const first = plan(service(), tasks);
    expect(first.becameSteady).toBe(true);
    expect(first.messages).toContain('(service web) has reached a steady state.');
    expect(first.service.deployments[0]?.rolloutState).toBe('COMPLETED');
    expect(first.service.lastCompleted?.deploymentId).toBe('ecs-svc/1');
    expect(first.deploymentChanges.map((change) => change.eventName)).toEqual([
      'SERVICE_DEPLOYMENT_COMPLETED',
    ]);
    const again = plan(first.service, tasks);
    expect(again.becameSteady).toBe(false);
    expect(again.messages).toEqual([]);
  });

  it('rolls with 100%/200%: new tasks first, old ones only once the new run', () => {
    const rolling = service({
      deployments: [deployment('ecs-svc/2', 2), deployment('ecs-svc/1', 1, { status: 'ACTIVE' })],
    });
    const old = [1, 2, 3, 4].map(() => task('ecs-svc/1', 'RUNNING'));
    const start = plan(rolling, old);
    expect(start.launches).toEqual([{ deploymentId: 'ecs-svc/2', launch: launch(2), count: 4 }]);
    expect(start.stops).toEqual([]);
    const fresh = [1, 2, 3, 4].map(() => task('ecs-svc/2', 'RUNNING'));
    const swap = plan(rolling, [...old, ...fresh]);
    expect(swap.launches).toEqual([]);
    expect(swap.stops.map((stop) => stop.deploymentId)).toEqual(Array(4).fill('ecs-svc/1'));
  });

  it('rolls with 50%/100%: stops half the old ones to make room', () => {
    const rolling = service({
      deploymentConfiguration: {
        minimumHealthyPercent: 50,
        maximumPercent: 100,
        circuitBreaker: { enable: false, rollback: false },
      },
      deployments: [deployment('ecs-svc/2', 2), deployment('ecs-svc/1', 1, { status: 'ACTIVE' })],
    });
    const old = [1, 2, 3, 4].map(() => task('ecs-svc/1', 'RUNNING'));
    const result = plan(rolling, old);
    expect(result.launches).toEqual([]);
    expect(result.stops).toHaveLength(2);
  });

  it('says when the deployment configuration leaves no way forward', () => {
    const stuck = service({
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 100,
        circuitBreaker: { enable: false, rollback: false },
      },
      deployments: [deployment('ecs-svc/2', 2), deployment('ecs-svc/1', 1, { status: 'ACTIVE' })],
    });
    const result = plan(
      stuck,
      [1, 2, 3, 4].map(() => task('ecs-svc/1', 'RUNNING')),
    );
    expect(result.launches).toEqual([]);
    expect(result.stops).toEqual([]);
    expect(result.messages).toEqual([
      '(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.',
    ]);
  });

  it('drops an old deployment once its last task has stopped', () => {
    const rolling = service({
      deployments: [deployment('ecs-svc/2', 2), deployment('ecs-svc/1', 1, { status: 'ACTIVE' })],
    });
    const tasks = [
      ...[1, 2, 3, 4].map(() => task('ecs-svc/2', 'RUNNING')),
      task('ecs-svc/1', 'STOPPED', { desiredStatus: 'STOPPED', startedAt: NOW }),
    ];
    const result = plan(rolling, tasks);
    expect(result.service.deployments.map((d) => d.id)).toEqual(['ecs-svc/2']);
    expect(result.becameSteady).toBe(true);
  });

  it('trips the circuit breaker and rolls back to the last completed deployment', () => {
    const failing = service({
      desiredCount: 2,
      deploymentConfiguration: {
        minimumHealthyPercent: 100,
        maximumPercent: 200,
        circuitBreaker: { enable: true, rollback: true },
      },
      deployments: [
        deployment('ecs-svc/2', 2),
        deployment('ecs-svc/1', 1, { status: 'ACTIVE', rolloutState: 'COMPLETED' }),
      ],
      lastCompleted: { ...launch(1), deploymentId: 'ecs-svc/1' },
    });
    const tasks = [
      task('ecs-svc/1', 'RUNNING'),
      task('ecs-svc/1', 'RUNNING'),
      ...Array.from({ length: 10 }, () =>
        task('ecs-svc/2', 'STOPPED', { desiredStatus: 'STOPPED' }),
      ),
    ];
    const result = plan(failing, tasks);
    const [rollback, ...rest] = result.service.deployments;
    expect(rollback).toMatchObject({
      id: 'ecs-svc/new',
      status: 'PRIMARY',
      revision: 1,
      rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.',
    });
    // The failed deployment has no task left: it is INACTIVE and gone; the old one drains.
    expect(rest.map((d) => d.id)).toEqual(['ecs-svc/1']);
    expect(result.messages).toContain(
      '(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.',
    );
    expect(result.deploymentChanges.map((change) => change.eventName)).toEqual([
      'SERVICE_DEPLOYMENT_FAILED',
      'SERVICE_DEPLOYMENT_IN_PROGRESS',
    ]);
    expect(result.launches).toEqual([{ deploymentId: 'ecs-svc/new', launch: launch(1), count: 2 }]);
  });

  it('stops every task of a deleted service, then makes it INACTIVE', () => {
    const draining = service({ status: 'DRAINING', desiredCount: 0 });
    const tasks = [task('ecs-svc/1', 'RUNNING'), task('ecs-svc/1', 'PENDING')];
    expect(plan(draining, tasks).stops).toHaveLength(2);
    expect(plan(draining, tasks).service.status).toBe('DRAINING');
    const stopped = tasks.map((t) => ({
      ...t,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED' as const,
    }));
    expect(plan(draining, stopped).service.status).toBe('INACTIVE');
  });
});

describe('planService with instances draining or lost, and tasks failing to start', () => {
  it('replaces the tasks of a DRAINING instance within the bounds', () => {
    const onDraining = [1, 2].map(() => task('ecs-svc/1', 'RUNNING', { instance: 'DRAINING' }));
    const elsewhere = [1, 2].map(() => task('ecs-svc/1', 'RUNNING'));
    const result = plan(service(), [...onDraining, ...elsewhere]);
    // 100%/200%: two replacements first; nothing stops while only 4 are healthy.
    expect(result.launches).toEqual([{ deploymentId: 'ecs-svc/1', launch: launch(1), count: 2 }]);
    expect(result.stops).toEqual([]);
    const replaced = [1, 2].map(() => task('ecs-svc/1', 'RUNNING'));
    const next = plan(service(), [...onDraining, ...elsewhere, ...replaced]);
    expect(next.stops.map((stop) => stop.taskId).sort()).toEqual(
      onDraining.map((t) => t.id).sort(),
    );
    expect(next.launches).toEqual([]);
  });

  it('stops a PENDING task of a DRAINING instance at once', () => {
    const pending = task('ecs-svc/1', 'PENDING', { instance: 'DRAINING' });
    const result = plan(service({ desiredCount: 1 }), [pending]);
    expect(result.stops.map((stop) => stop.taskId)).toEqual([pending.id]);
    expect(result.launches).toEqual([{ deploymentId: 'ecs-svc/1', launch: launch(1), count: 1 }]);
  });

  it('replaces a task whose instance was deregistered, without counting it', () => {
    const lost = task('ecs-svc/1', 'RUNNING', { instance: 'LOST' });
    const others = [1, 2, 3].map(() => task('ecs-svc/1', 'RUNNING'));
    const result = plan(
      service({
        deploymentConfiguration: {
          minimumHealthyPercent: 100,
          maximumPercent: 100,
          circuitBreaker: { enable: false, rollback: false },
        },
      }),
      [lost, ...others],
    );
    expect(result.stops.map((stop) => stop.taskId)).toEqual([lost.id]);
    expect(result.launches).toEqual([{ deploymentId: 'ecs-svc/1', launch: launch(1), count: 1 }]);
  });

  it.each([
    // failed starts in a row, seconds since the last one, whether it waits
    [2, 0, false],
    [3, 4, true],
    [3, 6, false],
    [4, 9, true],
    [4, 11, false],
    [20, 899, true],
    [20, 901, false],
  ])('after %i failed starts, %i s after the last, waits: %s', (failures, since, waits) => {
    const failed = Array.from({ length: failures }, (_, i) =>
      task('ecs-svc/1', 'STOPPED', {
        desiredStatus: 'STOPPED',
        stoppedAt: NOW - since * 1000 - i * 10,
      }),
    );
    const result = plan(service({ desiredCount: 1 }), failed);
    expect(result.launches.length === 0).toBe(waits);
    expect(
      result.messages.includes('(service web) is unable to consistently start tasks successfully.'),
    ).toBe(waits);
  });

  it('does not wait once a task of the deployment ran after the failures', () => {
    const failed = [1, 2, 3].map(() =>
      task('ecs-svc/1', 'STOPPED', { desiredStatus: 'STOPPED', stoppedAt: NOW - 1000 }),
    );
    const ran = task('ecs-svc/1', 'RUNNING', { startedAt: NOW - 500 });
    const result = plan(service({ desiredCount: 2 }), [...failed, ran]);
    expect(result.launches).toEqual([{ deploymentId: 'ecs-svc/1', launch: launch(1), count: 1 }]);
  });
});

describe('planService for a DAEMON service', () => {
  const daemon = (overrides: Partial<ServiceRecord> = {}) =>
    service({
      schedulingStrategy: 'DAEMON',
      desiredCount: 0,
      deploymentConfiguration: {
        minimumHealthyPercent: 0,
        maximumPercent: 100,
        circuitBreaker: { enable: false, rollback: false },
      },
      ...overrides,
    });
  const planDaemon = (record: ServiceRecord, tasks: ServiceTask[], instances: string[]) =>
    planService(record, tasks, {
      now: NOW,
      newDeploymentId: () => 'ecs-svc/new',
      daemonInstances: instances,
    });

  it('starts one task on each instance it may run on', () => {
    const result = planDaemon(daemon(), [], ['i3', 'i1', 'i2']);
    expect(result.launches).toEqual([
      { deploymentId: 'ecs-svc/1', launch: launch(1), count: 3, instanceIds: ['i1', 'i2', 'i3'] },
    ]);
    expect(result.service.desiredCount).toBe(3);
  });

  it('stops what runs where it may no longer run, and a second task on one instance', () => {
    const kept = task('ecs-svc/1', 'RUNNING', { containerInstanceId: 'i1' });
    const second = task('ecs-svc/1', 'PENDING', { containerInstanceId: 'i1' });
    const drained = task('ecs-svc/1', 'RUNNING', {
      containerInstanceId: 'i2',
      instance: 'DRAINING',
    });
    const result = planDaemon(daemon(), [kept, second, drained], ['i1']);
    expect(result.stops.map((stop) => stop.taskId).sort()).toEqual([second.id, drained.id].sort());
    expect(result.launches).toEqual([]);
    expect(result.service.desiredCount).toBe(1);
  });

  it('rolls by stopping each old task before starting the new one on its instance (0 %/100 %)', () => {
    const rolling = daemon({
      deployments: [deployment('ecs-svc/2', 2), deployment('ecs-svc/1', 1, { status: 'ACTIVE' })],
    });
    const old = ['i1', 'i2'].map((id) => task('ecs-svc/1', 'RUNNING', { containerInstanceId: id }));
    const first = planDaemon(rolling, old, ['i1', 'i2']);
    expect(first.stops).toHaveLength(2);
    expect(first.launches).toEqual([]);
    const gone = old.map((t) => ({
      ...t,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED' as const,
    }));
    const second = planDaemon(rolling, gone, ['i1', 'i2']);
    expect(second.launches).toEqual([
      { deploymentId: 'ecs-svc/2', launch: launch(2), count: 2, instanceIds: ['i1', 'i2'] },
    ]);
  });

  it('is steady with one RUNNING task on every instance', () => {
    const tasks = ['i1', 'i2'].map((id) =>
      task('ecs-svc/1', 'RUNNING', { containerInstanceId: id }),
    );
    const result = planDaemon(daemon(), tasks, ['i1', 'i2']);
    expect(result.becameSteady).toBe(true);
    expect(result.service.runningCount).toBe(2);
  });
});

describe('chooseToStop', () => {
  it('takes from the zone, then the instance, with the most tasks', () => {
    const a1 = task('d', 'RUNNING', { availabilityZone: 'a', containerInstanceId: 'i1' });
    const a2 = task('d', 'RUNNING', { availabilityZone: 'a', containerInstanceId: 'i2' });
    const a3 = task('d', 'RUNNING', { availabilityZone: 'a', containerInstanceId: 'i2' });
    const b1 = task('d', 'RUNNING', { availabilityZone: 'b', containerInstanceId: 'i3' });
    const all = [a1, a2, a3, b1];
    const chosen = chooseToStop(all, 2, all).map((t) => t.id);
    // Zone a has 3: one of i2's goes first, then zone a and b tie at 2/1 → a again.
    expect(chosen).toHaveLength(2);
    expect(chosen).not.toContain(b1.id);
    expect(chosen).toContain(a2.id);
  });
});

/**
 * A world that the plan acts on: launches add PROVISIONING tasks, stops set
 * desiredStatus STOPPED; between plans, tasks start, stop, crash or fail to
 * start, and the user changes the desired count or rolls a new revision.
 */
describe('the bounds hold whatever happens between two plans', () => {
  type WorldEvent =
    | { kind: 'start'; index: number }
    | { kind: 'finish-stop'; index: number }
    | { kind: 'crash'; index: number }
    | { kind: 'fail-start'; index: number }
    | { kind: 'drain'; index: number }
    | { kind: 'lose'; index: number }
    | { kind: 'deploy' }
    | { kind: 'scale'; desired: number };

  const worldEvent: fc.Arbitrary<WorldEvent> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('start' as const), index: fc.nat(40) }) },
    {
      weight: 6,
      arbitrary: fc.record({ kind: fc.constant('finish-stop' as const), index: fc.nat(40) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), index: fc.nat(40) }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('fail-start' as const), index: fc.nat(40) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('drain' as const), index: fc.nat(40) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('lose' as const), index: fc.nat(40) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deploy' as const) }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('scale' as const), desired: fc.nat(12) }),
    },
  );

  it('never exceeds the maximum by launching nor goes below the minimum by stopping, and converges', () => {
    fc.assert(
      fc.property(
        fc.nat(12),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 100, max: 200 }),
        fc.array(fc.array(worldEvent, { maxLength: 4 }), { maxLength: 40 }),
        (initialDesired, minPercent, maxPercent, rounds) => {
          let revision = 1;
          let deploymentSeq = 1;
          let record = service({
            desiredCount: initialDesired,
            deploymentConfiguration: {
              minimumHealthyPercent: minPercent,
              maximumPercent: maxPercent,
              circuitBreaker: { enable: false, rollback: false },
            },
          });
          let tasks: ServiceTask[] = [];
          let seq = 0;
          const step = () => {
            const before = { healthy: tasks.filter(isHealthy).length };
            const result = planService(record, tasks, {
              now: NOW,
              newDeploymentId: () => `ecs-svc/${++deploymentSeq}`,
            });
            const stopped = new Set(result.stops.map((s) => s.taskId));
            tasks = tasks.map((t) =>
              stopped.has(t.id) ? { ...t, desiredStatus: 'STOPPED' as const } : t,
            );
            for (const planned of result.launches) {
              for (let i = 0; i < planned.count; i += 1) {
                seq += 1;
                tasks.push({
                  id: `x${seq}`,
                  deploymentId: planned.deploymentId,
                  lastStatus: 'PROVISIONING',
                  desiredStatus: 'RUNNING',
                  instance: 'ACTIVE',
                });
              }
            }
            record = result.service;
            const occupying = tasks.filter(
              (t) => t.lastStatus !== 'STOPPED' && t.instance !== 'LOST',
            ).length;
            const healthy = tasks.filter(isHealthy).length;
            if (result.launches.length > 0)
              expect(occupying).toBeLessThanOrEqual(maximumTasks(record));
            if (result.stops.length > 0) {
              expect(healthy).toBeGreaterThanOrEqual(
                Math.min(before.healthy, minimumHealthyTasks(record)),
              );
            }
            return result;
          };
          for (const events of rounds) {
            step();
            for (const event of events) {
              const target =
                'index' in event ? tasks[event.index % Math.max(1, tasks.length)] : undefined;
              const replace = (next: ServiceTask) => {
                tasks = tasks.map((t) => (t.id === next.id ? next : t));
              };
              if (event.kind === 'start' && target && target.lastStatus !== 'STOPPED') {
                if (target.desiredStatus === 'RUNNING' && target.lastStatus !== 'RUNNING') {
                  replace({ ...target, lastStatus: 'RUNNING', startedAt: NOW });
                }
              } else if (event.kind === 'finish-stop' && target?.desiredStatus === 'STOPPED') {
                replace({ ...target, lastStatus: 'STOPPED' });
              } else if (event.kind === 'crash' && target?.lastStatus === 'RUNNING') {
                replace({ ...target, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
              } else if (
                event.kind === 'fail-start' &&
                target &&
                target.lastStatus !== 'RUNNING' &&
                target.lastStatus !== 'STOPPED'
              ) {
                replace({ ...target, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
              } else if (event.kind === 'drain' && target && target.instance === 'ACTIVE') {
                replace({ ...target, instance: 'DRAINING' });
              } else if (event.kind === 'lose' && target) {
                replace({ ...target, instance: 'LOST' });
              } else if (event.kind === 'deploy') {
                revision += 1;
                deploymentSeq += 1;
                record = {
                  ...record,
                  steady: false,
                  deployments: [
                    deployment(`ecs-svc/${deploymentSeq}`, revision),
                    ...record.deployments.map((d) => ({ ...d, status: 'ACTIVE' as const })),
                  ],
                };
              } else if (event.kind === 'scale') {
                record = { ...record, desiredCount: event.desired, steady: false };
              }
            }
          }
          // A calm world: tasks start and stops finish; the service converges.
          for (let round = 0; round < 40; round += 1) {
            step();
            tasks = tasks.map((t) =>
              t.desiredStatus === 'STOPPED'
                ? { ...t, lastStatus: 'STOPPED' }
                : t.lastStatus === 'STOPPED'
                  ? t
                  : { ...t, lastStatus: 'RUNNING', startedAt: t.startedAt ?? NOW },
            );
          }
          const final = step();
          const primary = record.deployments[0];
          // Some settings leave a roll or a drain no way forward (desired 1 at 100%/100%,
          // or 50%/150%, which round to 1 and 1): ECS then says so, and so must Berth.
          const canMove =
            maximumTasks(record) > record.desiredCount ||
            minimumHealthyTasks(record) < record.desiredCount;
          const retiring =
            record.deployments.length > 1 ||
            tasks.some((t) => isHealthy(t) && t.instance === 'DRAINING');
          if (!canMove && retiring) {
            expect(final.messages[0]).toMatch(/unable to stop or start tasks during a deployment/);
            return;
          }
          expect(record.deployments).toHaveLength(1);
          expect(
            tasks
              .filter(isHealthy)
              .every((t) => t.deploymentId === primary?.id && t.instance === 'ACTIVE'),
          ).toBe(true);
          expect(tasks.filter(isHealthy)).toHaveLength(record.desiredCount);
          expect(final.launches).toEqual([]);
          expect(final.stops).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
