import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  SubmitTaskStateChangeCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  paginateListUsers,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  credentials,
  dynamoDbClient,
  ecsClient,
  signedPost,
  stackUrl,
  uniqueName,
} from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { startSimulatedAgent } from '../helpers/simulatedAgent';
import { agentUpgradeStatus, upgradeStatus } from '../helpers/sockets';

/**
 * The stack verifies every request as a deployed Berth does (the suite runs
 * it with BERTH_AUTH=sigv4): signatures, identities from IAM's API, and
 * their policies, through the unmodified AWS SDK clients.
 */

type Key = { accessKeyId: string; secretAccessKey: string };

/** What a call that must fail failed with. */
const rejection = (call: Promise<unknown>): Promise<{ name?: string; message?: string }> =>
  call.then(
    () => {
      throw new Error('the call succeeded, and should have been refused');
    },
    (error: unknown) => error as { name?: string; message?: string },
  );

const ACCOUNT = '000000000000';
const root = ecsClient();
const iam = new IAMClient({
  endpoint: stackUrl(),
  region: 'us-east-1',
  credentials,
  maxAttempts: 1,
});
const ecsAs = (key: Key, options: { systemClockOffset?: number } = {}) => {
  const client = new ECSClient({
    endpoint: stackUrl(),
    region: 'us-east-1',
    credentials: key,
    maxAttempts: 1,
  });
  if (options.systemClockOffset !== undefined)
    client.config.systemClockOffset = options.systemClockOffset;
  return client;
};

/** A user with one key and, optionally, one inline policy. */
const userWith = async (statements?: object[]) => {
  const userName = uniqueName('user');
  await iam.send(new CreateUserCommand({ UserName: userName }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  const key = {
    accessKeyId: AccessKey?.AccessKeyId ?? '',
    secretAccessKey: AccessKey?.SecretAccessKey ?? '',
  };
  if (statements) {
    await iam.send(
      new PutUserPolicyCommand({
        UserName: userName,
        PolicyName: 'ecs',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );
  }
  return { userName, key, arn: `arn:aws:iam::${ACCOUNT}:user/${userName}` };
};

afterAll(() => {
  root.destroy();
  iam.destroy();
});

describe('Authentication (SigV4)', () => {
  it('refuses an unsigned request with MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${stackUrl()}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const error = await rejection(
      ecsAs({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }).send(
        new ListClustersCommand({}),
      ),
    );
    expect(error).toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('refuses a wrong secret with InvalidSignatureException, and acts on nothing', async () => {
    const name = uniqueName('forged');
    const error = await rejection(
      ecsAs({ accessKeyId: credentials.accessKeyId, secretAccessKey: 'not-the-secret' }).send(
        new CreateClusterCommand({ clusterName: name }),
      ),
    );
    expect(error).toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
    const { clusters } = await root.send(new DescribeClustersCommand({ clusters: [name] }));
    expect(clusters).toEqual([]);
  });

  it('refuses a body changed after signing', async () => {
    // Signed for one body, sent with another: the signature covers the body's hash.
    const signed = await signedPost('{}', {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
    });
    expect(signed.status).toBe(200);
    const { HttpRequest } = await import('@smithy/core/protocols');
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { Hash } = await import('@smithy/core/serde');
    const url = new URL(stackUrl());
    const request = await new SignatureV4({
      service: 'ecs',
      region: 'us-east-1',
      credentials,
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false,
    }).sign(
      new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonEC2ContainerServiceV20141113.CreateCluster',
        },
        body: '{"clusterName":"a"}',
      }),
    );
    const { host: _, ...headers } = request.headers;
    const tampered = await fetch(`${stackUrl()}/`, {
      method: 'POST',
      headers,
      body: '{"clusterName":"b"}',
    });
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toMatchObject({ __type: 'InvalidSignatureException' });
  });

  it('refuses a request signed more than 5 minutes ago', async () => {
    const error = await rejection(
      ecsAs(credentials, { systemClockOffset: -6 * 60_000 }).send(new ListClustersCommand({})),
    );
    expect(error).toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(
        /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
      ),
    });
  });
});

describe('Identities and policies (IAM)', () => {
  it('manages a user, its keys and its policies with the IAM client, and shows a secret only once', async () => {
    const { userName, key } = await userWith([
      { Effect: 'Allow', Action: 'ecs:List*', Resource: '*' },
    ]);

    const { User } = await iam.send(new GetUserCommand({ UserName: userName }));
    expect(User).toMatchObject({
      UserName: userName,
      Arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
      UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
    });
    const { Users } = await iam.send(new ListUsersCommand({}));
    expect(Users?.map((user) => user.UserName)).toContain(userName);
    const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: userName }));
    expect(AccessKeyMetadata).toEqual([
      expect.objectContaining({
        AccessKeyId: key.accessKeyId,
        Status: 'Active',
        UserName: userName,
      }),
    ]);
    expect(JSON.stringify(AccessKeyMetadata)).not.toContain(key.secretAccessKey);
    const { PolicyNames } = await iam.send(new ListUserPoliciesCommand({ UserName: userName }));
    expect(PolicyNames).toEqual(['ecs']);
    const { PolicyDocument } = await iam.send(
      new GetUserPolicyCommand({ UserName: userName, PolicyName: 'ecs' }),
    );
    // IAM gives the document URL-encoded, and the SDK leaves it so.
    expect(JSON.parse(decodeURIComponent(PolicyDocument ?? ''))).toMatchObject({
      Statement: [{ Effect: 'Allow', Action: 'ecs:List*' }],
    });

    // The table holds the secret sealed: a dump of it does not give it away.
    const dynamo = dynamoDbClient();
    let text = '';
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new ScanCommand({
          TableName: 'berth-local-resources',
          ExclusiveStartKey: startKey as never,
        }),
      );
      text += JSON.stringify(page.Items);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    dynamo.destroy();
    expect(text.includes(key.accessKeyId)).toBe(true);
    expect(text.includes(key.secretAccessKey)).toBe(false);

    // A user with keys or policies cannot be deleted; without them it can.
    expect(await rejection(iam.send(new DeleteUserCommand({ UserName: userName })))).toMatchObject({
      name: 'DeleteConflictException',
    });
    await iam.send(
      new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: key.accessKeyId }),
    );
    await iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: 'ecs' }));
    await iam.send(new DeleteUserCommand({ UserName: userName }));
    expect(await rejection(iam.send(new GetUserCommand({ UserName: userName })))).toMatchObject({
      name: 'NoSuchEntityException',
      message: `The user with name ${userName} cannot be found.`,
    });
  });

  it('refuses a third key, a policy with a principal, and a taken name, with IAM’s errors', async () => {
    const { userName } = await userWith();
    await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    expect(
      await rejection(iam.send(new CreateAccessKeyCommand({ UserName: userName }))),
    ).toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
    });
    expect(
      await rejection(
        iam.send(
          new PutUserPolicyCommand({
            UserName: userName,
            PolicyName: 'p',
            PolicyDocument: JSON.stringify({
              Statement: { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
            }),
          }),
        ),
      ),
    ).toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: 'Policy document should not specify a principal.',
    });
    expect(await rejection(iam.send(new CreateUserCommand({ UserName: userName })))).toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: `User with name ${userName} already exists.`,
    });
  });

  it('pages users as IAM does (MaxItems and Marker), each once', async () => {
    const created = [await userWith(), await userWith(), await userWith()].map((u) => u.userName);
    const first = await iam.send(new ListUsersCommand({ MaxItems: 2 }));
    expect(first.Users).toHaveLength(2);
    expect(first).toMatchObject({ IsTruncated: true, Marker: expect.any(String) });
    const names: string[] = [];
    for await (const page of paginateListUsers({ client: iam, pageSize: 2 }, {})) {
      names.push(...(page.Users ?? []).map((user) => user.UserName ?? ''));
    }
    expect(names).toEqual(expect.arrayContaining(created));
    expect(new Set(names).size).toBe(names.length);
    expect(await rejection(iam.send(new ListUsersCommand({ MaxItems: 0 })))).toMatchObject({
      name: 'ValidationError',
    });
  });

  it('tells each caller who it is (STS GetCallerIdentity)', async () => {
    const { key, arn } = await userWith();
    const sts = (as: Key) =>
      new STSClient({ endpoint: stackUrl(), region: 'us-east-1', credentials: as, maxAttempts: 1 });
    expect(await sts(key).send(new GetCallerIdentityCommand({}))).toMatchObject({
      Arn: arn,
      Account: ACCOUNT,
    });
    expect(await sts(credentials).send(new GetCallerIdentityCommand({}))).toMatchObject({
      Arn: `arn:aws:iam::${ACCOUNT}:root`,
    });
  });

  it('refuses what no policy allows, in AWS’s words', async () => {
    const { key, arn } = await userWith();
    const error = await rejection(ecsAs(key).send(new ListClustersCommand({})));
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${arn} is not authorized to perform: ecs:ListClusters on resource: * because no identity-based policy allows the ecs:ListClusters action`,
    });
    // Nor may a user without IAM permissions manage users.
    const asUser = new IAMClient({
      endpoint: stackUrl(),
      region: 'us-east-1',
      credentials: key,
      maxAttempts: 1,
    });
    expect(
      await rejection(asUser.send(new CreateUserCommand({ UserName: uniqueName('x') }))),
    ).toMatchObject({
      name: 'AccessDenied',
      message: expect.stringMatching(
        /is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user\//,
      ),
    });
  });

  it('allows what a policy allows, on the resources it names, and an explicit deny wins', async () => {
    const prefix = uniqueName('team');
    const { key, arn } = await userWith([
      {
        Effect: 'Allow',
        Action: ['ecs:CreateCluster', 'ecs:DescribeClusters'],
        Resource: `arn:aws:ecs:*:*:cluster/${prefix}-*`,
      },
      {
        Effect: 'Deny',
        Action: 'ecs:DescribeClusters',
        Resource: `arn:aws:ecs:*:*:cluster/${prefix}-secret`,
      },
    ]);
    const client = ecsAs(key);
    await client.send(new CreateClusterCommand({ clusterName: `${prefix}-web` }));
    await client.send(new CreateClusterCommand({ clusterName: `${prefix}-secret` }));
    const { clusters } = await client.send(
      new DescribeClustersCommand({ clusters: [`${prefix}-web`] }),
    );
    expect(clusters?.[0]?.clusterName).toBe(`${prefix}-web`);

    const elsewhere = await rejection(
      client.send(new CreateClusterCommand({ clusterName: uniqueName('other') })),
    );
    expect(elsewhere).toMatchObject({ name: 'AccessDeniedException' });
    const denied = await rejection(
      client.send(new DescribeClustersCommand({ clusters: [`${prefix}-secret`] })),
    );
    expect(denied).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${arn} is not authorized to perform: ecs:DescribeClusters on resource: arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${prefix}-secret with an explicit deny in an identity-based policy`,
    });
  });

  it('reads a resource’s tags for aws:ResourceTag conditions', async () => {
    const web = uniqueName('tagged');
    const plain = uniqueName('untagged');
    await root.send(
      new CreateClusterCommand({ clusterName: web, tags: [{ key: 'team', value: 'web' }] }),
    );
    await root.send(new CreateClusterCommand({ clusterName: plain }));
    const { key } = await userWith([
      {
        Effect: 'Allow',
        Action: 'ecs:DescribeClusters',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } },
      },
    ]);
    const client = ecsAs(key);
    expect(
      (await client.send(new DescribeClustersCommand({ clusters: [web] }))).clusters,
    ).toHaveLength(1);
    expect(
      await rejection(client.send(new DescribeClustersCommand({ clusters: [plain] }))),
    ).toMatchObject({
      name: 'AccessDeniedException',
    });
    // Tagging the cluster gives access (the tags are read at each request, not cached).
    await root.send(
      new TagResourceCommand({
        resourceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${plain}`,
        tags: [{ key: 'team', value: 'web' }],
      }),
    );
    expect(
      (await client.send(new DescribeClustersCommand({ clusters: [plain] }))).clusters,
    ).toHaveLength(1);
  });

  it('stops honouring a key once it is made inactive', async () => {
    const { userName, key } = await userWith([
      { Effect: 'Allow', Action: 'ecs:ListClusters', Resource: '*' },
    ]);
    await ecsAs(key).send(new ListClustersCommand({}));
    await iam.send(
      new UpdateAccessKeyCommand({
        UserName: userName,
        AccessKeyId: key.accessKeyId,
        Status: 'Inactive',
      }),
    );
    // IAM's changes reach every endpoint within seconds; Berth's processes cache a principal 5 s.
    const refused = await eventually(
      () => rejection(ecsAs(key).send(new ListClustersCommand({}))),
      (error) => error.name === 'UnrecognizedClientException',
      10_000,
    );
    expect(refused).toMatchObject({
      message: 'The security token included in the request is invalid.',
    });
  });
});

/** What an agent's key needs (README: Access). */
const AGENT_POLICY = [
  {
    Effect: 'Allow',
    Action: [
      'ecs:RegisterContainerInstance',
      'ecs:DeregisterContainerInstance',
      'ecs:SubmitTaskStateChange',
      'ecs:SubmitContainerStateChange',
      'ecs:Poll',
    ],
    Resource: '*',
  },
];

describe('Agents', () => {
  const connectAs = (key: Key, cluster: string, instance: string) =>
    agentUpgradeStatus(
      process.env.BERTH_TEST_WS_URL ?? '',
      `cluster=${cluster}&containerInstance=${encodeURIComponent(instance)}`,
      key,
    );

  it('admits an agent whose key may poll its instance, and refuses an unsigned or unallowed one', async () => {
    const cluster = uniqueName('agents');
    await root.send(new CreateClusterCommand({ clusterName: cluster }));
    const agent = await userWith(AGENT_POLICY);
    const { containerInstance } = await ecsAs(agent.key).send(
      new RegisterContainerInstanceCommand({
        cluster,
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 1024 },
        ],
      }),
    );
    const instance = containerInstance?.containerInstanceArn ?? '';

    expect(await connectAs(agent.key, cluster, instance)).toBe(101);
    const stranger = await userWith([{ Effect: 'Allow', Action: 'ecs:List*', Resource: '*' }]);
    expect(await connectAs(stranger.key, cluster, instance)).toBe(403);
    expect(await connectAs({ ...agent.key, secretAccessKey: 'wrong' }, cluster, instance)).toBe(
      403,
    );
    const unsigned = await upgradeStatus(
      `${process.env.BERTH_TEST_WS_URL}?cluster=${cluster}&containerInstance=${encodeURIComponent(instance)}`,
    );
    expect(unsigned).toBe(403);
    // Another agent's key, even one allowed to poll, is not admitted for this instance.
    const other = await userWith(AGENT_POLICY);
    expect(await connectAs(other.key, cluster, instance)).toBe(403);
  });

  it('takes an agent’s reports on its own tasks, and refuses another agent’s', async () => {
    const cluster = uniqueName('reports');
    await root.send(new CreateClusterCommand({ clusterName: cluster }));
    const owner = await userWith(AGENT_POLICY);
    const intruder = await userWith(AGENT_POLICY);
    const agent = await startSimulatedAgent({
      ecs: ecsAs(owner.key),
      wsUrl: process.env.BERTH_TEST_WS_URL ?? '',
      cluster,
      credentials: owner.key,
    });
    const family = uniqueName('owned');
    await root.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'main', image: 'busybox', memory: 64 }],
      }),
    );
    const { tasks } = await root.send(new RunTaskCommand({ cluster, taskDefinition: family }));
    const task = tasks?.[0]?.taskArn ?? '';
    // The owner's agent reports it RUNNING, with its own key.
    await eventually(
      () => root.send(new DescribeTasksCommand({ cluster, tasks: [task] })),
      (out) => out.tasks?.[0]?.lastStatus === 'RUNNING',
    );

    const refused = await rejection(
      ecsAs(intruder.key).send(
        new SubmitTaskStateChangeCommand({ cluster, task, status: 'STOPPED', reason: 'forged' }),
      ),
    );
    expect(refused).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${intruder.arn} is not authorized to perform: ecs:SubmitTaskStateChange on resource: ${agent.containerInstanceArn} because the container instance was registered by another identity`,
    });
    const { tasks: after } = await root.send(new DescribeTasksCommand({ cluster, tasks: [task] }));
    expect(after?.[0]).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    await agent.close();
  });
});
