import {
  admit,
  isRetryableError,
  type Progress,
  type Report,
  Reporter,
  type ReportStatus,
} from '../../../agent/Reporter';

const taskReport = (taskArn: string, status: ReportStatus): Report => ({
  kind: 'task',
  taskArn,
  cluster: 'demo',
  status,
  containers: [{ containerName: 'web', status }],
});

const containerReport = (taskArn: string, name: string, status: ReportStatus): Report => ({
  kind: 'container',
  taskArn,
  cluster: 'demo',
  containerName: name,
  status,
});

const label = (report: Report): string =>
  report.kind === 'task'
    ? `${report.taskArn}:task:${report.status}`
    : `${report.taskArn}:${report.containerName}:${report.status}`;

/** An SDK-shaped error: `$fault` and the HTTP status decide whether it is retried. */
const sdkError = (name: string, fault: 'client' | 'server', status: number) =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

const networkError = () =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

const until = async (probe: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !probe(); i += 1) await new Promise((done) => setTimeout(done, 2));
  expect(probe()).toBe(true);
};

describe('Module: agent/Reporter', () => {
  describe('Function: admit', () => {
    it.each<[string, Progress | undefined, Report, boolean]>([
      ['first task report', undefined, taskReport('t', 'RUNNING'), true],
      ['task RUNNING repeated', { task: 'RUNNING' }, taskReport('t', 'RUNNING'), false],
      ['task RUNNING → STOPPED', { task: 'RUNNING' }, taskReport('t', 'STOPPED'), true],
      [
        'task STOPPED → RUNNING (backwards)',
        { task: 'STOPPED' },
        taskReport('t', 'RUNNING'),
        false,
      ],
      ['task STOPPED without RUNNING', undefined, taskReport('t', 'STOPPED'), true],
      [
        'container STOPPED after task RUNNING',
        { task: 'RUNNING', containers: { web: 'RUNNING' } },
        containerReport('t', 'web', 'STOPPED'),
        true,
      ],
      [
        'container STOPPED repeated',
        { task: 'RUNNING', containers: { web: 'STOPPED' } },
        containerReport('t', 'web', 'STOPPED'),
        false,
      ],
      [
        'container report after the task STOPPED (moot)',
        { task: 'STOPPED', containers: { web: 'RUNNING' } },
        containerReport('t', 'side', 'STOPPED'),
        false,
      ],
      [
        'task STOPPED after a container STOPPED',
        { task: 'RUNNING', containers: { web: 'STOPPED' } },
        taskReport('t', 'STOPPED'),
        true,
      ],
    ])('%s → %s', (_name, progress, report, admitted) => {
      expect(admit(progress, report).admitted).toBe(admitted);
    });

    it('records the containers a task report carries', () => {
      expect(admit(undefined, taskReport('t', 'RUNNING')).progress).toEqual({
        task: 'RUNNING',
        containers: { web: 'RUNNING' },
      });
    });
  });

  describe('Function: isRetryableError', () => {
    it.each<[string, unknown, number, boolean]>([
      ['network failure', networkError(), 1, true],
      ['network failure, much later', networkError(), 1_000, true],
      ['500 ServerException', sdkError('ServerException', 'server', 500), 1_000, true],
      ['throttling', sdkError('ThrottlingException', 'client', 400), 1_000, true],
      ['429', sdkError('Whatever', 'client', 429), 1_000, true],
      ['ClientException, first tries', sdkError('ClientException', 'client', 400), 9, true],
      ['ClientException, tenth try', sdkError('ClientException', 'client', 400), 10, false],
      ['InvalidParameterException', sdkError('InvalidParameterException', 'client', 400), 1, false],
      ['AccessDeniedException', sdkError('AccessDeniedException', 'client', 400), 1, false],
    ])('%s (attempt %d) → %s', (_name, error, attempts, retryable) => {
      expect(isRetryableError(error, attempts)).toBe(retryable);
    });
  });

  describe('Class: Reporter', () => {
    const fastRetry = { initialMs: 1, maxMs: 4 };

    it('sends one task’s reports in order, retrying a failure until answered', async () => {
      // Prepare: the first three attempts fail without an answer.
      const sent: string[] = [];
      let failures = 3;
      const reporter = new Reporter({
        retry: fastRetry,
        send: async (report) => {
          if (failures > 0) {
            failures -= 1;
            throw networkError();
          }
          sent.push(label(report));
        },
      });
      reporter.start();

      // Act
      reporter.submit(taskReport('t', 'RUNNING'));
      reporter.submit(containerReport('t', 'side', 'STOPPED'));
      reporter.submit(taskReport('t', 'STOPPED'));

      // Assess
      expect(await reporter.idle(2_000)).toBe(true);
      expect(sent).toEqual(['t:task:RUNNING', 't:side:STOPPED', 't:task:STOPPED']);
    });

    it('drops repeats and steps backwards', async () => {
      const sent: string[] = [];
      const reporter = new Reporter({ send: async (report) => void sent.push(label(report)) });
      reporter.start();

      const accepted = [
        reporter.submit(taskReport('t', 'RUNNING')),
        reporter.submit(taskReport('t', 'RUNNING')),
        reporter.submit(containerReport('t', 'web', 'STOPPED')),
        reporter.submit(containerReport('t', 'web', 'STOPPED')),
        reporter.submit(taskReport('t', 'STOPPED')),
        reporter.submit(taskReport('t', 'RUNNING')),
        reporter.submit(containerReport('t', 'other', 'STOPPED')),
        reporter.submit(taskReport('t', 'STOPPED')),
      ];

      expect(accepted).toEqual([true, false, true, false, true, false, false, false]);
      expect(await reporter.idle(1_000)).toBe(true);
      expect(sent).toEqual(['t:task:RUNNING', 't:web:STOPPED', 't:task:STOPPED']);
    });

    it('re-sends a final report when forced, only once nothing is queued for the task', async () => {
      const sent: string[] = [];
      const reporter = new Reporter({ send: async (report) => void sent.push(label(report)) });
      expect(reporter.submit(taskReport('t', 'STOPPED'))).toBe(true);
      // Still queued (not started): forcing would only duplicate it.
      expect(reporter.submit(taskReport('t', 'STOPPED'), { force: true })).toBe(false);
      reporter.start();
      expect(await reporter.idle(1_000)).toBe(true);
      expect(reporter.submit(taskReport('t', 'STOPPED'), { force: true })).toBe(true);
      expect(await reporter.idle(1_000)).toBe(true);
      expect(sent).toEqual(['t:task:STOPPED', 't:task:STOPPED']);
    });

    it('does not hold one task’s reports behind another task that cannot be sent', async () => {
      // Prepare
      const sent: string[] = [];
      const reporter = new Reporter({
        retry: fastRetry,
        send: async (report) => {
          if (report.taskArn === 'stuck') throw networkError();
          sent.push(label(report));
        },
      });
      reporter.start();

      // Act
      reporter.submit(taskReport('stuck', 'RUNNING'));
      reporter.submit(taskReport('free', 'RUNNING'));
      reporter.submit(taskReport('free', 'STOPPED'));

      // Assess
      await until(() => sent.length === 2);
      expect(sent).toEqual(['free:task:RUNNING', 'free:task:STOPPED']);
      expect(reporter.pendingFor('stuck')).toBe(1);
      reporter.stop();
    });

    it('drops a report Berth refuses (a client error is an answer) and goes on', async () => {
      const sent: string[] = [];
      const logged: string[] = [];
      const reporter = new Reporter({
        log: (line) => logged.push(line),
        send: async (report) => {
          if (report.status === 'RUNNING') {
            throw sdkError('InvalidParameterException', 'client', 400);
          }
          sent.push(label(report));
        },
      });
      reporter.start();
      reporter.submit(taskReport('t', 'RUNNING'));
      reporter.submit(taskReport('t', 'STOPPED'));
      expect(await reporter.idle(1_000)).toBe(true);
      expect(sent).toEqual(['t:task:STOPPED']);
      expect(logged.join('\n')).toMatch(/refused by Berth/);
    });

    it('keeps unsent reports in its snapshot, and a new reporter sends them in order', async () => {
      // Prepare: a reporter that is never started, as if the agent died.
      const snapshots: unknown[] = [];
      const first: Reporter = new Reporter({
        send: async () => {},
        onChange: () => snapshots.push(first.snapshot()),
      });
      first.submit(taskReport('t', 'RUNNING'));
      first.submit(containerReport('t', 'web', 'STOPPED'));
      first.submit(taskReport('u', 'STOPPED'));
      const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
      expect(snapshots).toHaveLength(3);

      // Act
      const sent: string[] = [];
      const second = new Reporter({ send: async (report) => void sent.push(label(report)) });
      second.restore(snapshot);

      // Assess: what was submitted is still known (no repeats), what was queued goes out.
      expect(second.submit(taskReport('t', 'RUNNING'))).toBe(false);
      second.start();
      expect(await second.idle(1_000)).toBe(true);
      expect(sent.filter((line) => line.startsWith('t:'))).toEqual([
        't:task:RUNNING',
        't:web:STOPPED',
      ]);
      expect(sent).toContain('u:task:STOPPED');
      expect(second.snapshot().pending).toEqual([]);
    });

    it('retries at once when kicked, instead of waiting out its backoff', async () => {
      // Prepare: a long backoff, and a control plane that is back after one failure.
      let attempts = 0;
      const reporter = new Reporter({
        retry: { initialMs: 60_000, maxMs: 60_000 },
        send: async () => {
          attempts += 1;
          if (attempts === 1) throw networkError();
        },
      });
      reporter.start();
      reporter.submit(taskReport('t', 'RUNNING'));
      await until(() => attempts === 1);

      // Act
      reporter.kick();

      // Assess
      expect(await reporter.idle(1_000)).toBe(true);
      expect(attempts).toBe(2);
    });

    it('forgets a task only once its reports are all sent', async () => {
      const reporter = new Reporter({ send: async () => {} });
      reporter.submit(taskReport('t', 'STOPPED'));
      reporter.forget('t');
      expect(reporter.pendingFor('t')).toBe(1);
      reporter.start();
      expect(await reporter.idle(1_000)).toBe(true);
      reporter.forget('t');
      expect(reporter.snapshot()).toEqual({ pending: [], submitted: {} });
    });
  });
});
