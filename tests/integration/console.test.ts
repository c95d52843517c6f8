import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { type Browser, chromium, type Locator, type Page, type Route } from 'playwright-core';
import { credentials, ecsClient, stackUrl, uniqueName } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { type SimulatedAgent, startSimulatedAgent } from '../helpers/simulatedAgent';

/**
 * The web console in a real browser (Debian's Chromium, headless): a user
 * signs in with a key, sees a cluster and its agents, runs a task and watches
 * it reach RUNNING without reloading, stops it and reads its exit code. The
 * main pages' screenshots go to docs/console/.
 */

const ecs = ecsClient();
const SCREENSHOTS = resolve(__dirname, '..', '..', 'docs', 'console');
let browser: Browser;
const agents: SimulatedAgent[] = [];

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium',
    // The CI runs as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox'],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.close()));
  await browser?.close();
  ecs.destroy();
});

const signIn = async (page: Page) => {
  await page.goto(`${stackUrl()}/console`);
  await page.getByLabel('Access key ID').fill(credentials.accessKeyId);
  await page.getByLabel('Secret access key').fill(credentials.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

/** The stack's config as a deployed one gives it: no events stream (and a 1 s refresh). */
const serveDeployedConfig = (page: Page) =>
  page.route('**/console/config.json', async (route) => {
    const config = await (await route.fetch()).json();
    delete config.eventsUrl;
    await route.fulfill({ json: { ...config, refreshSeconds: 1 } });
  });

/**
 * Waits for a task's status on the page; when it does not come, the failure
 * says what the API and the page showed then (and keeps a screenshot), so a
 * failure in CI can be read without running it again.
 */
const waitForTaskStatus = async (
  page: Page,
  cluster: string,
  id: string,
  status: string,
  timeout = 20_000,
): Promise<void> => {
  const cell: Locator = page.locator(`tr[data-task="${id}"] td.status`, { hasText: status });
  try {
    await cell.waitFor({ timeout });
  } catch (caught) {
    const { tasks = [], failures = [] } = await ecs
      .send(new DescribeTasksCommand({ cluster, tasks: [id] }))
      .catch((error: unknown) => ({ tasks: [], failures: [{ reason: String(error) }] }));
    const shown = await page
      .locator('main')
      .textContent({ timeout: 2_000 })
      .catch(() => '(none)');
    const header = await page
      .getByRole('status')
      .textContent({ timeout: 2_000 })
      .catch(() => '(none)');
    const screenshot = resolve(tmpdir(), `console-${id}-${status}.png`);
    await page.screenshot({ path: screenshot, fullPage: true }).catch(() => undefined);
    throw new Error(
      [
        `Task ${id} did not show ${status} on the page within ${timeout} ms (${String(caught)}).`,
        `The API says: ${JSON.stringify(tasks.map((task) => ({ lastStatus: task.lastStatus, desiredStatus: task.desiredStatus, containerInstanceArn: task.containerInstanceArn, createdAt: task.createdAt, startedAt: task.startedAt, stoppedReason: task.stoppedReason })))} ${JSON.stringify(failures)}`,
        `The header says: ${header}`,
        `The page shows:\n${shown}`,
        `Screenshot: ${screenshot}`,
      ].join('\n'),
    );
  }
};

describe('The web console', () => {
  it('refuses a wrong key with the API’s own error', async () => {
    const page = await browser.newPage();
    await page.goto(`${stackUrl()}/console`);
    await page.getByLabel('Access key ID').fill(credentials.accessKeyId);
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(
      /^InvalidSignatureException: The request signature we calculated does not match/,
    );
    await page.close();
  });

  it('shows a cluster with two agents, runs a task live to RUNNING, stops it and shows its exit code', async () => {
    // Prepare: a cluster with two agents that run what they are given
    const cluster = uniqueName('console');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const wsUrl = process.env.BERTH_TEST_WS_URL ?? '';
    for (let index = 0; index < 2; index += 1) {
      agents.push(await startSimulatedAgent({ ecs, wsUrl, cluster }));
    }
    const family = uniqueName('web');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'web', image: 'nginx', cpu: 256, memory: 128 }],
      }),
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // Act + assess: the clusters page lists it with its two instances
    await signIn(page);
    const row = page.getByRole('row').filter({ hasText: cluster });
    await expect(row.getByRole('cell').nth(2).textContent()).resolves.toBe('2');
    await page
      .getByRole('status')
      .filter({ hasText: 'Live: pages follow the events stream' })
      .waitFor();
    await page.screenshot({ path: resolve(SCREENSHOTS, 'clusters.png') });

    // The cluster's page: both agents connected
    await row.getByRole('link', { name: cluster }).click();
    await page.getByRole('heading', { name: `Cluster ${cluster}` }).waitFor();
    await page.locator('tr[data-instance]').nth(1).waitFor();
    await expect(page.locator('tr[data-instance]').allTextContents()).resolves.toEqual([
      expect.stringContaining('connected'),
      expect.stringContaining('connected'),
    ]);
    // Each instance's attributes, one click away
    const firstInstance = page.locator('tr[data-instance]').first();
    await firstInstance.getByText(/\d+ attributes/).click();
    await firstInstance.getByText('ecs.os-type=linux').waitFor();

    // Run a task: it appears and reaches RUNNING with no reload (the events stream drives the page)
    await page
      .getByRole('form', { name: 'Run a task' })
      .getByLabel('Task definition')
      .selectOption(family);
    await page.getByRole('button', { name: 'Run task' }).click();
    const task = page.locator('tr[data-task]').first();
    await task.locator('td.status', { hasText: 'RUNNING' }).waitFor({ timeout: 20_000 });
    await page.locator('tr[data-instance]', { hasText: 'CPU 256 / 1024' }).waitFor();
    await page.screenshot({ path: resolve(SCREENSHOTS, 'cluster.png') });

    // Stop it: STOPPED, with the container's exit code
    await task.getByRole('button', { name: 'Stop' }).click();
    await task.locator('td.status', { hasText: 'STOPPED' }).waitFor({ timeout: 20_000 });
    await expect(task.locator('td.exit').textContent()).resolves.toBe('web: 0');

    // Filtered to stopped tasks it is the only one; its page tells its story
    await page.getByLabel('Desired status').selectOption('STOPPED');
    await expect(page.locator('tr[data-task]').count()).resolves.toBe(1);
    await task.getByRole('link').click();
    await page.locator('dd.reason', { hasText: 'Stopped from the console' }).waitFor();
    await expect(page.locator('tr[data-container="web"] td.exit').textContent()).resolves.toBe('0');
    // The timeline has the task's own timestamps, and the changes the stream brought meanwhile.
    await expect(page.locator('.timeline li').allTextContents()).resolves.toEqual(
      expect.arrayContaining([
        expect.stringMatching(/RUNNING$/),
        expect.stringMatching(/STOPPED$/),
        expect.stringMatching(/Event: RUNNING \(desired RUNNING\)$/),
        expect.stringMatching(/Event: STOPPED \(desired STOPPED\)$/),
      ]),
    );
    await page.screenshot({ path: resolve(SCREENSHOTS, 'task.png') });
    await page.goBack();
    await page.getByLabel('Desired status').selectOption('');

    // A task run elsewhere (the SDK, not this page) shows up too: the page follows the events.
    const { tasks } = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const elsewhere = tasks?.[0]?.taskArn?.split('/').at(-1) ?? '';
    await page
      .locator(`tr[data-task="${elsewhere}"] td.status`, { hasText: 'RUNNING' })
      .waitFor({ timeout: 20_000 });

    // Create a service from the console and watch its deployment complete; then scale it to 2
    const service = uniqueName('svc');
    await page.getByLabel('Service name').fill(service);
    await page
      .getByRole('form', { name: 'Create a service' })
      .getByLabel('Task definition')
      .selectOption(family);
    await page.getByRole('button', { name: 'Create service' }).click();
    const serviceRow = page.locator(`tr[data-service="${service}"]`);
    await serviceRow.getByText('COMPLETED: 1 of 1 running').waitFor({ timeout: 30_000 });
    // The same name again: the API's refusal, shown as it is
    await page.getByRole('button', { name: 'Create service' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'InvalidParameterException: Creation of service was not idempotent.' })
      .waitFor();
    await serviceRow.getByLabel('Desired count').fill('2');
    await serviceRow.getByRole('button', { name: 'Update' }).click();
    await serviceRow.getByText('COMPLETED: 2 of 2 running').waitFor({ timeout: 30_000 });

    // Its page: the deployment's bar, and a chart of the utilization its agents measured
    const { taskArns = [] } = await ecs.send(
      new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'RUNNING' }),
    );
    for (const agent of agents) {
      agent.sendMetrics(taskArns.map((taskArn) => ({ taskArn, cpu: 128, memory: 64 })));
    }
    await serviceRow.getByRole('link', { name: service }).click();
    await page.getByRole('heading', { name: `Service ${service}` }).waitFor();
    await page.locator('tr[data-deployment]', { hasText: 'COMPLETED: 2 of 2 running' }).waitFor();
    const chart = page.getByRole('img', { name: /utilization: [1-9]\d* points/ });
    for (let attempt = 0; attempt < 20 && (await chart.count()) === 0; attempt += 1) {
      // The page reads its metrics when an event arrives or it opens: open it again.
      await page.reload();
      await page.waitForTimeout(500);
    }
    await chart.waitFor({ timeout: 5_000 });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'service.png'), fullPage: true });
    await page.getByRole('link', { name: `Cluster ${cluster}` }).click();

    // Drain an instance: it says DRAINING
    const instanceRow = page.locator('tr[data-instance]').first();
    await instanceRow.getByRole('button', { name: 'Drain' }).click();
    await instanceRow.getByRole('cell', { name: 'DRAINING' }).waitFor();

    // The usage report, signed in the browser for Berth's own operation: a table with its total
    await page.getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: 'Usage and cost (FARGATE)' }).waitFor();
    await page.locator('tr.total').waitFor();
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await page.goBack();

    // Narrow window: still readable (rows stack)
    await page.setViewportSize({ width: 420, height: 800 });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'cluster-narrow.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('without an events stream (as on AWS) refreshes shown pages, and shows the capacity providers', async () => {
    // Prepare: a cluster with an agent and a pool provider of its own in its default strategy
    const cluster = uniqueName('console-aws');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    agents.push(
      await startSimulatedAgent({ ecs, wsUrl: process.env.BERTH_TEST_WS_URL ?? '', cluster }),
    );
    const provider = uniqueName('pool');
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: provider,
        autoScalingGroupProvider: {
          autoScalingGroupArn: `arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:x:autoScalingGroupName/${provider}`,
          managedScaling: { status: 'ENABLED', targetCapacity: 80 },
          managedTerminationProtection: 'DISABLED',
        },
        tags: [{ key: 'berth:max-size', value: '3' }],
      }),
    );
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster,
        capacityProviders: [provider],
        defaultCapacityProviderStrategy: [{ capacityProvider: provider, weight: 2, base: 1 }],
      }),
    );
    const family = uniqueName('refresh');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 128, memory: 64 }],
      }),
    );
    const page = await browser.newPage();
    await serveDeployedConfig(page);
    const streams: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/events')) streams.push(request.url());
    });

    // Act: open the cluster's page, then run a task and stop it elsewhere (the SDK)
    await signIn(page);
    await page
      .getByRole('status')
      .filter({ hasText: 'No events stream here: pages refresh every 1 s while shown' })
      .waitFor();
    await page.goto(`${stackUrl()}/console#/clusters/${cluster}`);
    await page.getByRole('heading', { name: `Cluster ${cluster}` }).waitFor();
    const providerRow = page.locator(`tr[data-provider="${provider}"]`);
    await providerRow.waitFor();
    const { tasks } = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: family, launchType: 'EC2' }),
    );
    const id = tasks?.[0]?.taskArn?.split('/').at(-1) ?? '';

    // Assess: the page follows it with no stream and no reload, and tells what it does
    await waitForTaskStatus(page, cluster, id, 'RUNNING');
    await ecs.send(new StopTaskCommand({ cluster, task: id }));
    await waitForTaskStatus(page, cluster, id, 'STOPPED');
    expect(streams).toEqual([]);
    await expect(providerRow.getByRole('cell').allTextContents()).resolves.toEqual([
      provider,
      'ACTIVE',
      `Pool ${provider}: 0–3 instances of 2048 CPU, 4096 MiB`,
      'ENABLED: target 80%, steps 1–10000',
      'DISABLED',
      'weight 2, base 1',
    ]);
    await page.close();
  }, 90_000);

  it('asks a slow API no faster than it answers: one read at a time, however often the page refreshes', async () => {
    // Prepare: a cluster, and an API that takes 2.5 s to answer ListTasks while the page refreshes every second
    const cluster = uniqueName('console-slow');
    await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    const page = await browser.newPage();
    await serveDeployedConfig(page);
    let inFlight = 0;
    let mostInFlight = 0;
    let answered = 0;
    await page.route(
      (url) => url.origin === new URL(stackUrl()).origin && url.pathname === '/',
      async (route) => {
        if (!(route.request().headers()['x-amz-target'] ?? '').endsWith('.ListTasks')) {
          await route.continue();
          return;
        }
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        const response = await route.fetch();
        inFlight -= 1;
        answered += 1;
        await route.fulfill({ response });
      },
    );

    // Act: keep the cluster's page open through several refreshes
    await signIn(page);
    await page.goto(`${stackUrl()}/console#/clusters/${cluster}`);
    await page.getByRole('heading', { name: `Cluster ${cluster}` }).waitFor();
    await eventually(
      async () => answered,
      (count) => count >= 6,
      20_000,
    );

    // Assess: never more than one read's ListTasks (desired RUNNING and STOPPED) at a time
    expect(mostInFlight).toBe(2);
    // The reads still held back end with the page, not in a later test.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.close();
  }, 60_000);

  it.each([
    ['is cut (a network error)', (route: Route) => route.abort('connectionreset')],
    ['answers what is not a stream', (route: Route) => route.fulfill({ status: 502, body: '' })],
  ])(
    'says when the events stream %s, and follows it again when it is back',
    async (_case, refuse) => {
      const page = await browser.newPage();
      await page.route('**/events', refuse);
      await signIn(page);
      await page
        .getByRole('status')
        .filter({ hasText: 'The events stream is cut; reconnecting…' })
        .waitFor();
      await page.unroute('**/events');
      await page
        .getByRole('status')
        .filter({ hasText: 'Live: pages follow the events stream' })
        .waitFor({ timeout: 15_000 });
      await page.close();
    },
    30_000,
  );
});
