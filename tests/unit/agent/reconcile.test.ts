import type { AgentTask } from '../../../agent/protocol';
import {
  ALL_CONTAINERS_EXITED,
  decideAfterExit,
  decideAfterStart,
  decideTask,
  ESSENTIAL_CONTAINER_EXITED,
  pullTimesOf,
  runningReportOf,
  stoppedReportOf,
  TASK_UNKNOWN_TO_AGENT,
  type TaskDecision,
} from '../../../agent/reconcile';
import type { ContainerState, TaskState, TaskStatus } from '../../../agent/StateFile';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/demo/abc';

const incoming = (overrides: Partial<AgentTask> = {}): AgentTask => ({
  taskArn: ARN,
  cluster: 'demo',
  desiredStatus: 'RUNNING',
  lastStatus: 'PENDING',
  version: 2,
  containers: [{ name: 'web', command: ['sleep', '1'] }],
  ...overrides,
});

const container = (overrides: Partial<ContainerState> = {}): ContainerState => ({
  name: 'web',
  essential: true,
  stopTimeout: 30,
  status: 'RUNNING',
  runtimeId: '100',
  ...overrides,
});

const known = (status: TaskStatus, overrides: Partial<TaskState> = {}): TaskState => ({
  taskArn: ARN,
  cluster: 'demo',
  taskId: 'abc',
  version: 2,
  desiredStatus: status === 'STOPPING' ? 'STOPPED' : 'RUNNING',
  status,
  containers: [container({ status: status === 'STOPPED' ? 'STOPPED' : 'RUNNING' })],
  ...overrides,
});

describe('Module: agent/reconcile', () => {
  describe('Function: decideTask', () => {
    it.each<[string, TaskState | undefined, AgentTask, boolean, TaskDecision['action']]>([
      // Unknown tasks.
      ['unknown, desired RUNNING, PENDING → start', undefined, incoming(), false, 'start'],
      [
        'unknown, desired RUNNING, no lastStatus → start',
        undefined,
        incoming({ lastStatus: undefined }),
        false,
        'start',
      ],
      [
        'unknown, desired RUNNING, PROVISIONING → start',
        undefined,
        incoming({ lastStatus: 'PROVISIONING' }),
        false,
        'start',
      ],
      [
        'unknown, desired STOPPED → report STOPPED at once',
        undefined,
        incoming({ desiredStatus: 'STOPPED', lastStatus: 'PENDING' }),
        false,
        'report-stopped',
      ],
      [
        'unknown but Berth says RUNNING (state lost) → report, never start',
        undefined,
        incoming({ lastStatus: 'RUNNING' }),
        false,
        'report-stopped',
      ],
      [
        'unknown and already STOPPED → nothing',
        undefined,
        incoming({ desiredStatus: 'STOPPED', lastStatus: 'STOPPED' }),
        false,
        'none',
      ],
      // Known, live tasks.
      ['running, repeated → nothing', known('RUNNING'), incoming(), false, 'none'],
      ['starting, repeated → nothing', known('STARTING'), incoming(), false, 'none'],
      [
        'running, desired STOPPED → stop',
        known('RUNNING'),
        incoming({ desiredStatus: 'STOPPED', version: 3 }),
        false,
        'stop',
      ],
      [
        'starting, desired STOPPED → stop',
        known('STARTING'),
        incoming({ desiredStatus: 'STOPPED', version: 3 }),
        false,
        'stop',
      ],
      [
        'stopping, desired STOPPED again → nothing',
        known('STOPPING'),
        incoming({ desiredStatus: 'STOPPED', version: 3 }),
        false,
        'none',
      ],
      [
        'running, a stale STOPPED (older version) → nothing',
        known('RUNNING', { version: 5 }),
        incoming({ desiredStatus: 'STOPPED', version: 4 }),
        false,
        'none',
      ],
      [
        'running, desired STOPPED without versions → stop',
        known('RUNNING', { version: undefined }),
        incoming({ desiredStatus: 'STOPPED', version: undefined }),
        false,
        'stop',
      ],
      // Tombstones.
      [
        'stopped here, repeated RUNNING/PENDING, report acknowledged → re-send the final report',
        known('STOPPED'),
        incoming(),
        false,
        'resend-final',
      ],
      [
        'stopped here, final report still queued → nothing',
        known('STOPPED'),
        incoming(),
        true,
        'none',
      ],
      [
        'stopped here, Berth is STOPPING → nothing',
        known('STOPPED'),
        incoming({ desiredStatus: 'STOPPED', lastStatus: 'STOPPING', version: 3 }),
        false,
        'none',
      ],
      [
        'stopped here, Berth is DEPROVISIONING → nothing',
        known('STOPPED'),
        incoming({ desiredStatus: 'STOPPED', lastStatus: 'DEPROVISIONING', version: 3 }),
        false,
        'none',
      ],
      [
        'stopped here, desired RUNNING → never started again',
        known('STOPPED'),
        incoming({ lastStatus: undefined }),
        false,
        'none',
      ],
    ])('%s', (_name, record, task, finalPending, action) => {
      expect(decideTask(record, task, finalPending).action).toBe(action);
    });

    it('reports a task unknown to an agent that lost its state with a reason', () => {
      expect(decideTask(undefined, incoming({ lastStatus: 'RUNNING' }), false)).toEqual({
        action: 'report-stopped',
        reason: TASK_UNKNOWN_TO_AGENT,
      });
      expect(decideTask(undefined, incoming({ desiredStatus: 'STOPPED' }), false)).toEqual({
        action: 'report-stopped',
      });
    });
  });

  describe('Function: decideAfterExit', () => {
    const sidecar = (status: ContainerState['status']) =>
      container({ name: 'sidecar', essential: false, status, exitCode: 0 });
    const exitedWeb = container({ status: 'STOPPED', exitCode: 3 });

    it.each<[string, TaskState, ContainerState, ReturnType<typeof decideAfterExit>]>([
      [
        'essential exits while RUNNING → report it, stop the task',
        known('RUNNING', { containers: [exitedWeb, sidecar('RUNNING')] }),
        exitedWeb,
        { reportContainer: true, stopTask: { reason: ESSENTIAL_CONTAINER_EXITED } },
      ],
      [
        'non-essential exits, others live → report it, task stays RUNNING',
        known('RUNNING', { containers: [container(), sidecar('STOPPED')] }),
        sidecar('STOPPED'),
        { reportContainer: true },
      ],
      [
        'the last non-essential exits → the task stops too',
        known('RUNNING', {
          containers: [container({ essential: false, status: 'STOPPED' }), sidecar('STOPPED')],
        }),
        sidecar('STOPPED'),
        { reportContainer: true, stopTask: { reason: ALL_CONTAINERS_EXITED } },
      ],
      [
        'exit while STOPPING → carried by the final task report',
        known('STOPPING', { containers: [exitedWeb] }),
        exitedWeb,
        { reportContainer: false },
      ],
      [
        'exit while STARTING → decided after the RUNNING report',
        known('STARTING', { containers: [exitedWeb] }),
        exitedWeb,
        { reportContainer: false },
      ],
    ])('%s', (_name, task, exited, expected) => {
      expect(decideAfterExit(task, exited)).toEqual(expected);
    });
  });

  describe('Function: decideAfterStart', () => {
    const noCommand = 'CannotStartContainerError: no command';
    const failed = (essential: boolean) =>
      container({
        name: essential ? 'main' : 'helper',
        essential,
        status: 'STOPPED',
        runtimeId: undefined,
        exitCode: 1,
        reason: noCommand,
      });

    it.each<[string, TaskState, ReturnType<typeof decideAfterStart>]>([
      ['all started → RUNNING', known('STARTING'), { action: 'report-running' }],
      [
        'desired STOPPED meanwhile → stop without a RUNNING report',
        known('STARTING', { desiredStatus: 'STOPPED' }),
        { action: 'stop' },
      ],
      [
        'an essential container could not start → stop with its reason',
        known('STARTING', { containers: [failed(true), container({ name: 'other' })] }),
        { action: 'stop', reason: noCommand },
      ],
      [
        'a non-essential container could not start → RUNNING anyway',
        known('STARTING', { containers: [container(), failed(false)] }),
        { action: 'report-running' },
      ],
      [
        'no container could start, none essential → stop with the first reason',
        known('STARTING', { containers: [failed(false), { ...failed(false), name: 'b' }] }),
        { action: 'stop', reason: noCommand },
      ],
      [
        'an essential container that ran and exited already → RUNNING first',
        known('STARTING', { containers: [container({ status: 'STOPPED', exitCode: 0 })] }),
        { action: 'report-running' },
      ],
    ])('%s', (_name, task, expected) => {
      expect(decideAfterStart(task)).toEqual(expected);
    });
  });

  describe('Functions: runningReportOf, stoppedReportOf', () => {
    it('reports a container that ran and exited as RUNNING first, then with its exit code', () => {
      // Prepare
      const task = known('RUNNING', {
        pullStartedAt: 1_000,
        containers: [
          container({ status: 'STOPPED', exitCode: 3 }),
          container({
            name: 'bad',
            essential: false,
            status: 'STOPPED',
            runtimeId: undefined,
            exitCode: 1,
            reason: 'CannotStartContainerError: no command',
          }),
        ],
      });

      // Act
      const running = runningReportOf(task, 2_000);
      const stopped = stoppedReportOf({ ...task, reason: ESSENTIAL_CONTAINER_EXITED }, 3_000);

      // Assess
      expect(running).toEqual({
        kind: 'task',
        taskArn: ARN,
        cluster: 'demo',
        status: 'RUNNING',
        containers: [
          { containerName: 'web', runtimeId: '100', status: 'RUNNING' },
          {
            containerName: 'bad',
            runtimeId: undefined,
            status: 'STOPPED',
            exitCode: 1,
            reason: 'CannotStartContainerError: no command',
          },
        ],
        pullStartedAt: 1_000,
        pullStoppedAt: 1_000,
      });
      expect(stopped).toMatchObject({
        status: 'STOPPED',
        reason: ESSENTIAL_CONTAINER_EXITED,
        executionStoppedAt: 3_000,
        containers: [
          { containerName: 'web', status: 'STOPPED', exitCode: 3 },
          { containerName: 'bad', status: 'STOPPED', exitCode: 1 },
        ],
      });
    });

    it('reports the runtime pull window and each container network bindings (docker runtime)', () => {
      // Prepare
      const bindings = [
        { bindIP: '0.0.0.0', containerPort: 8080, hostPort: 41_234, protocol: 'tcp' as const },
      ];
      const task = known('RUNNING', {
        pullStartedAt: 1_000,
        containers: [
          container({ pullStartedAt: 1_100, pullStoppedAt: 1_500, networkBindings: bindings }),
          container({ name: 'side', runtimeId: '101', pullStartedAt: 1_050, pullStoppedAt: 1_200 }),
        ],
      });

      // Act
      const running = runningReportOf(task, 2_000);
      const stopped = stoppedReportOf(task, 3_000);

      // Assess
      expect(running).toMatchObject({ pullStartedAt: 1_050, pullStoppedAt: 1_500 });
      expect(running.containers[0]).toEqual({
        containerName: 'web',
        runtimeId: '100',
        status: 'RUNNING',
        networkBindings: bindings,
      });
      expect(running.containers[1]).not.toHaveProperty('networkBindings');
      expect(stopped.containers[0]?.networkBindings).toEqual(bindings);
      expect(pullTimesOf(known('RUNNING', { pullStartedAt: undefined }), 9_000)).toEqual({
        pullStartedAt: 9_000,
        pullStoppedAt: 9_000,
      });
    });
  });
});
