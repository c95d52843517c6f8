import { loadConfig } from '../../../functions/config/environment';

/** The environment a function has on AWS (no IS_OFFLINE), or under serverless-offline. */
const BASE = {
  BERTH_STATE_MACHINE_PREFIX: 'berth-prod',
  BERTH_STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:us-east-1:1:stateMachine:',
  BERTH_TABLE_NAME: 'berth-prod-resources',
  BERTH_WEBSOCKET_ENDPOINT: 'https://ws.example',
  BERTH_SCHEDULER_FUNCTION: 'berth-prod-reconcileServices',
};

const withEnvironment = <T>(environment: Record<string, string>, read: () => T): T => {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('BERTH_') || key === 'IS_OFFLINE') delete process.env[key];
  }
  Object.assign(process.env, environment);
  try {
    return read();
  } finally {
    process.env = saved;
  }
};

describe('Function: loadConfig (access)', () => {
  it('verifies every request on AWS, with the root key from its secret', () => {
    const config = withEnvironment(
      { ...BASE, BERTH_ROOT_SECRET_ARN: 'arn:aws:secretsmanager:x' },
      loadConfig,
    );
    expect(config.auth).toBe('sigv4');
    expect(config.rootKey).toEqual({
      kind: 'secretsManager',
      secretArn: 'arn:aws:secretsmanager:x',
    });
    expect(config.throttling).toBe(true);
    // EventBridge refuses aws.* sources from anyone but AWS.
    expect(config.eventSource).toBe('berth.ecs');
  });

  it('refuses to run on AWS without verification', () => {
    expect(() =>
      withEnvironment({ ...BASE, BERTH_AUTH: 'none', BERTH_ROOT_SECRET_ARN: 'arn' }, loadConfig),
    ).toThrow('BERTH_AUTH=none is for the local stack only: on AWS Berth verifies every request');
  });

  it('refuses to verify without a root key', () => {
    expect(() => withEnvironment(BASE, loadConfig)).toThrow(/BERTH_AUTH=sigv4 needs a root key/);
  });

  it('accepts any key locally unless asked, and takes the root key from the environment', () => {
    const local = withEnvironment({ ...BASE, IS_OFFLINE: 'true' }, loadConfig);
    expect(local.auth).toBe('none');
    expect(local.throttling).toBe(false);
    expect(local.eventSource).toBe('aws.ecs');
    const verified = withEnvironment(
      {
        ...BASE,
        IS_OFFLINE: 'true',
        BERTH_AUTH: 'sigv4',
        BERTH_ROOT_ACCESS_KEY_ID: 'AKIAROOT',
        BERTH_ROOT_SECRET_ACCESS_KEY: 'secret',
        // Offline, the secret's reference arrives unresolved: it is not read.
        BERTH_ROOT_SECRET_ARN: '[object Object]',
      },
      loadConfig,
    );
    expect(verified.auth).toBe('sigv4');
    expect(verified.rootKey).toEqual({
      kind: 'environment',
      accessKeyId: 'AKIAROOT',
      secretAccessKey: 'secret',
    });
  });

  it.each([
    ['BERTH_AUTH', 'maybe', 'BERTH_AUTH must be none or sigv4, not maybe'],
    ['BERTH_THROTTLING', 'yes', 'BERTH_THROTTLING must be on or off, not yes'],
    [
      'BERTH_QUOTA_SERVICES_PER_CLUSTER',
      '0',
      'BERTH_QUOTA_SERVICES_PER_CLUSTER must be a positive integer, not 0',
    ],
  ])('refuses %s=%s', (name, value, message) => {
    expect(() =>
      withEnvironment({ ...BASE, IS_OFFLINE: 'true', [name]: value }, loadConfig),
    ).toThrow(message);
  });

  it('reads ECS’s quotas unless told otherwise', () => {
    const config = withEnvironment(
      { ...BASE, IS_OFFLINE: 'true', BERTH_QUOTA_TASKS_PER_SERVICE: '10' },
      loadConfig,
    );
    expect(config.quotas).toEqual({
      containerInstancesPerCluster: 5000,
      servicesPerCluster: 5000,
      tasksPerService: 10,
      provisioningTasksPerCluster: 300,
    });
  });
});
