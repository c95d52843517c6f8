import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStackProcess } from '../../local/harness';
import { preparePodman } from '../../local/podman';
import { ROOT_KEY } from '../helpers/rootKey';

/**
 * Starts the real local stack once for the whole integration suite. The
 * task-definition clean-up waits 1 s instead of a minute, and a task that
 * does not start fails after 4 s instead of 5 minutes, so that tests can watch
 * them finish.
 */
export default async function globalSetup(): Promise<void> {
  // Real containers (the docker runtime's tests) run on Podman's Docker API;
  // tests that need it fail with a clear message when podman is missing.
  const podman = await preparePodman({ dataDir: mkdtempSync(join(tmpdir(), 'berth-podman-')) });
  if (podman) {
    process.env.BERTH_TEST_DOCKER_SOCKET = podman.socketPath;
    (globalThis as { berthPodman?: unknown }).berthPodman = podman;
  }
  // Agents started by tests (berth-agent processes) sign with the root key, from their environment.
  process.env.AWS_ACCESS_KEY_ID = ROOT_KEY.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = ROOT_KEY.secretAccessKey;
  const stack = await startStackProcess({
    environment: {
      // As deployed: every request is signed and verified, and authorized by IAM policies.
      BERTH_AUTH: 'sigv4',
      BERTH_ROOT_ACCESS_KEY_ID: ROOT_KEY.accessKeyId,
      BERTH_ROOT_SECRET_ACCESS_KEY: ROOT_KEY.secretAccessKey,
      ...(podman ? { BERTH_DOCKER_SOCKET: podman.socketPath } : {}),
      BERTH_TASK_DEFINITION_CLEANUP_INTERVAL_SECONDS: '1',
      BERTH_TASK_START_TIMEOUT_SECONDS: '4',
      // Scaling alarms on 2-second datapoints (6 s to scale out, 30 s to scale in), from
      // the managed hosts' usage every second.
      BERTH_SCALING_PERIOD_SECONDS: '2',
      BERTH_AGENT_METRICS_SECONDS: '1',
      // The default network, and a subnet of eleven addresses (the smallest AWS allows) that tests can fill.
      BERTH_SUBNETS: [
        'subnet-berth-a=us-east-1a=172.31.0.0/20',
        'subnet-berth-b=us-east-1b=172.31.16.0/20',
        'subnet-berth-c=us-east-1c=172.31.32.0/20',
        'subnet-berth-tiny=us-east-1c=10.213.250.0/28',
      ].join(','),
    },
  });
  process.env.BERTH_TEST_URL = stack.url;
  process.env.BERTH_TEST_LAMBDA_URL = `http://127.0.0.1:${stack.ports.lambda}`;
  process.env.BERTH_TEST_SFN_URL = `http://127.0.0.1:${stack.ports.stepFunctions}`;
  process.env.BERTH_TEST_DYNAMODB_URL = `http://127.0.0.1:${stack.ports.dynamodb}`;
  process.env.BERTH_TEST_WS_URL = `ws://127.0.0.1:${stack.ports.websocket}`;
  process.env.BERTH_TEST_EVENTS_URL = `http://127.0.0.1:${stack.ports.events}/events`;
  process.env.BERTH_TEST_CAPACITY_URL = `http://127.0.0.1:${stack.ports.capacity}`;
  (globalThis as { berthStack?: unknown }).berthStack = stack;
}
