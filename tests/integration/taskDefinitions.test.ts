import {
  ClientException,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  InvalidParameterException,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { ecsClient, uniqueName } from '../helpers/clients';

const ecs = ecsClient();
const tdArn = (family: string, revision: number) =>
  `arn:aws:ecs:us-east-1:000000000000:task-definition/${family}:${revision}`;

const simple = (family: string): RegisterTaskDefinitionCommandInput => ({
  family,
  containerDefinitions: [{ name: 'web', image: 'nginx', memory: 400 }],
});

const register = async (input: RegisterTaskDefinitionCommandInput) =>
  (await ecs.send(new RegisterTaskDefinitionCommand(input))).taskDefinition!;

const eventually = async (check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 200));
  }
};

describe('Task definitions through the ECS API', () => {
  afterAll(() => ecs.destroy());

  it('registers revision 1 with ECS defaults, then 2', async () => {
    const family = uniqueName('td');

    const first = await register(simple(family));
    const second = await register(simple(family));

    expect(first).toMatchObject({
      taskDefinitionArn: tdArn(family, 1),
      family,
      revision: 1,
      status: 'ACTIVE',
      networkMode: 'bridge',
      volumes: [],
      placementConstraints: [],
      compatibilities: expect.arrayContaining(['EC2', 'EXTERNAL']),
    });
    expect(first).not.toHaveProperty('requiresCompatibilities');
    expect(first.registeredAt).toBeInstanceOf(Date);
    expect(first.containerDefinitions?.[0]).toMatchObject({
      name: 'web',
      image: 'nginx',
      memory: 400,
      cpu: 0,
      essential: true,
      portMappings: [],
      environment: [],
      mountPoints: [],
      volumesFrom: [],
    });
    expect(second.revision).toBe(2);
  });

  it('numbers concurrent registrations of one family without gaps or duplicates', async () => {
    const family = uniqueName('race');

    const results = await Promise.all(Array.from({ length: 20 }, () => register(simple(family))));

    const revisions = results.map((td) => td.revision).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(revisions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const listed = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
    expect(listed.taskDefinitionArns).toEqual(revisions.map((r) => tdArn(family, r ?? 0)));
  });

  it('registers a Fargate task definition and normalises "1 vCPU" / "2 GB"', async () => {
    const family = uniqueName('fargate');

    const td = await register({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '1 vCPU',
      memory: '2 GB',
      containerDefinitions: [{ name: 'app', image: 'busybox' }],
    });

    expect(td).toMatchObject({ cpu: '1024', memory: '2048', requiresCompatibilities: ['FARGATE'] });
    expect(td.compatibilities).toContain('FARGATE');
  });

  it.each([
    [
      'Fargate with an invalid CPU/memory pair',
      { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '1024', memory: '1024' },
      'No Fargate configuration exists for given values: 1024 CPU, 1024 memory. See the Amazon ECS documentation for the valid values.',
    ],
    [
      'Fargate without task cpu',
      { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', memory: '512' },
      "Fargate requires that 'cpu' be defined at the task level.",
    ],
    [
      'Fargate in bridge mode',
      { requiresCompatibilities: ['FARGATE'], networkMode: 'bridge', cpu: '256', memory: '512' },
      'Fargate only supports network mode ‘awsvpc’.',
    ],
  ])('refuses %s with ClientException', async (_case, task, message) => {
    const family = uniqueName('bad');

    const attempt = ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        ...(task as object),
        containerDefinitions: [{ name: 'app', image: 'busybox' }],
      } as RegisterTaskDefinitionCommandInput),
    );

    await expect(attempt).rejects.toBeInstanceOf(ClientException);
    await expect(attempt).rejects.toThrow(message);
  });

  it.each([
    [
      'no family',
      { containerDefinitions: [{ name: 'a', image: 'b', memory: 64 }] },
      'Family can not be blank.',
    ],
    ['no containers', { family: 'f', containerDefinitions: [] }, 'Container list cannot be empty.'],
    [
      'a container without image',
      { family: 'f', containerDefinitions: [{ name: 'a', memory: 64 }] },
      'Container.image should not be null or empty.',
    ],
    [
      'a container without memory',
      { family: 'f', containerDefinitions: [{ name: 'hello_world', image: 'b' }] },
      "Invalid setting for container 'hello_world'. At least one of 'memory' or 'memoryReservation' must be specified.",
    ],
  ])('refuses a task definition with %s', async (_case, input, message) => {
    await expect(
      ecs.send(new RegisterTaskDefinitionCommand(input as RegisterTaskDefinitionCommandInput)),
    ).rejects.toThrow(message);
  });

  it('describes by family (latest ACTIVE), family:revision and ARN, with tags on request', async () => {
    const family = uniqueName('desc');
    await register({ ...simple(family), tags: [{ key: 'k', value: 'v' }] });
    await register(simple(family));
    await register(simple(family));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: `${family}:3` }));

    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
    const byRevision = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:1`, include: ['TAGS'] }),
    );
    const byArn = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: tdArn(family, 3) }),
    );

    expect(latest.taskDefinition?.revision).toBe(2);
    expect(latest).not.toHaveProperty('tags');
    expect(byRevision.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect(byArn.taskDefinition?.status).toBe('INACTIVE');
  });

  it.each([
    ['an unknown family', 'no-such-family-at-all', 'Unable to describe task definition.'],
    ['an unknown revision', 'no-such-family-at-all:4', 'Unable to describe task definition.'],
    ['a revision that is not a number', 'fam:foo', 'Invalid revision number. Number: foo'],
  ])('refuses to describe %s with ClientException', async (_case, taskDefinition, message) => {
    const attempt = ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));

    await expect(attempt).rejects.toBeInstanceOf(ClientException);
    await expect(attempt).rejects.toThrow(message);
  });

  it('deregisters a revision: INACTIVE, still describable, out of the ACTIVE listing', async () => {
    const family = uniqueName('dereg');
    await register(simple(family));
    await register(simple(family));

    const { taskDefinition } = await ecs.send(
      new DeregisterTaskDefinitionCommand({ taskDefinition: `${family}:2` }),
    );
    const active = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
    const inactive = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'INACTIVE' }),
    );

    expect(taskDefinition?.status).toBe('INACTIVE');
    expect(taskDefinition?.deregisteredAt).toBeInstanceOf(Date);
    expect(active.taskDefinitionArns).toEqual([tdArn(family, 1)]);
    expect(inactive.taskDefinitionArns).toEqual([tdArn(family, 2)]);
  });

  it.each([
    ['a bare family', 'fake_task', 'Revision is missing.'],
    ['a bad revision', 'fake_task:foo', 'Invalid revision number. Number: foo'],
    ['an unknown revision', 'fake_task_never_registered:1', 'Unable to describe task definition.'],
  ])('refuses to deregister %s', async (_case, taskDefinition, message) => {
    await expect(ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition }))).rejects.toThrow(
      message,
    );
  });

  it('lists with exact familyPrefix, sort order and pagination', async () => {
    const family = uniqueName('list');
    const sibling = `${family}_a`;
    for (let i = 0; i < 5; i += 1) await register(simple(family));
    await register(simple(sibling));

    const exact = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
    const descending = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family, sort: 'DESC' }),
    );
    const pages: string[][] = [];
    for await (const page of paginateListTaskDefinitions(
      { client: ecs, pageSize: 2 },
      { familyPrefix: family },
    )) {
      pages.push(page.taskDefinitionArns ?? []);
    }

    const ascending = [1, 2, 3, 4, 5].map((r) => tdArn(family, r));
    expect(exact.taskDefinitionArns).toEqual(ascending);
    expect(descending.taskDefinitionArns).toEqual([...ascending].reverse());
    expect(pages.flat()).toEqual(ascending);
    expect(pages.every((page) => page.length <= 2)).toBe(true);
  });

  it('lists across families in family then revision order', async () => {
    const base = uniqueName('order');
    await register(simple(`${base}-b`));
    await register(simple(`${base}-a`));
    await register(simple(`${base}-a`));

    const all: string[] = [];
    for await (const page of paginateListTaskDefinitions({ client: ecs, pageSize: 100 }, {})) {
      all.push(...(page.taskDefinitionArns ?? []));
    }
    const ours = all.filter((arn) => arn.includes(`/${base}-`));

    expect(ours).toEqual([tdArn(`${base}-a`, 1), tdArn(`${base}-a`, 2), tdArn(`${base}-b`, 1)]);
  });

  it('lists families by prefix and status', async () => {
    const base = uniqueName('fam');
    await register(simple(`${base}-live`));
    await register(simple(`${base}-dead`));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: `${base}-dead:1` }));

    const active = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: base }));
    const inactive = await ecs.send(
      new ListTaskDefinitionFamiliesCommand({ familyPrefix: base, status: 'INACTIVE' }),
    );
    const all = await ecs.send(
      new ListTaskDefinitionFamiliesCommand({ familyPrefix: base, status: 'ALL' }),
    );

    expect(active.families).toEqual([`${base}-live`]);
    expect(inactive.families).toEqual([`${base}-dead`]);
    expect(all.families).toEqual([`${base}-dead`, `${base}-live`]);
  });

  it('refuses an unknown status or sort value with InvalidParameterException', async () => {
    await expect(
      ecs.send(new ListTaskDefinitionsCommand({ status: 'GONE' as never })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      ecs.send(new ListTaskDefinitionsCommand({ sort: 'SIDEWAYS' as never })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('deletes INACTIVE revisions through the clean-up workflow, and keeps numbering', async () => {
    const family = uniqueName('delete');
    await register(simple(family));
    await register(simple(family));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: `${family}:1` }));

    const result = await ecs.send(
      new DeleteTaskDefinitionsCommand({
        taskDefinitions: [`${family}:1`, `${family}:2`, `${family}`, `${family}:9`],
      }),
    );

    expect(result.taskDefinitions?.map((td) => [td.revision, td.status])).toEqual([
      [1, 'DELETE_IN_PROGRESS'],
    ]);
    expect(result.failures).toEqual([
      {
        arn: tdArn(family, 2),
        reason:
          'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
      },
      {
        arn: family,
        reason:
          'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.',
      },
      {
        arn: tdArn(family, 9),
        reason:
          'The specified task definition does not exist. Specify a valid account, family, revision and try again.',
      },
    ]);
    // The workflow (Wait 1 s → purge Lambda) removes the revision for good.
    await eventually(async () => {
      try {
        await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:1` }));
        return false;
      } catch (error) {
        return error instanceof ClientException;
      }
    });
    const next = await register(simple(family));
    expect(next.revision).toBe(3);
  });
});
