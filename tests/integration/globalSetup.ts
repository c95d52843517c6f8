import { startStackProcess } from '../../local/harness';

/**
 * Starts the real local stack once for the whole integration suite. The
 * task-definition clean-up waits 1 s instead of a minute, and a task that
 * does not start fails after 4 s instead of 5 minutes, so that tests can watch
 * them finish.
 */
export default async function globalSetup(): Promise<void> {
  const stack = await startStackProcess({
    environment: {
      BERTH_TASK_DEFINITION_CLEANUP_INTERVAL_SECONDS: '1',
      BERTH_TASK_START_TIMEOUT_SECONDS: '4',
    },
  });
  process.env.BERTH_TEST_URL = stack.url;
  process.env.BERTH_TEST_LAMBDA_URL = `http://127.0.0.1:${stack.ports.lambda}`;
  process.env.BERTH_TEST_SFN_URL = `http://127.0.0.1:${stack.ports.stepFunctions}`;
  process.env.BERTH_TEST_DYNAMODB_URL = `http://127.0.0.1:${stack.ports.dynamodb}`;
  process.env.BERTH_TEST_WS_URL = `ws://127.0.0.1:${stack.ports.websocket}`;
  process.env.BERTH_TEST_EVENTS_URL = `http://127.0.0.1:${stack.ports.events}/events`;
  (globalThis as { berthStack?: unknown }).berthStack = stack;
}
