import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  ClientException,
  ClusterContainsServicesException,
  CreateClusterCommand,
  DeleteClusterCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListExecutionsCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { startStackProcess } from '../../local/harness';
import { credentials, dynamoDbClient, ecsClient, stackUrl, uniqueName } from '../helpers/clients';

const ROOT = resolve(__dirname, '..', '..');

const canBind = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });

describe('The local stack (npm start)', () => {
  const ecs = ecsClient();
  afterAll(() => ecs.destroy());

  it('answers GET /health with 200 and the state of each part', async () => {
    const response = await fetch(`${stackUrl()}/health`);

    expect(response.status).toBe(200);
    const body = (await response.json()) as { requests: Record<string, number> };

    expect(body).toEqual({
      status: 'ok',
      parts: { api: 'ok', dynamodb: 'ok', stepFunctions: 'ok' },
      requests: expect.any(Object),
    });
    // Locally it also counts the requests the handlers sent (the bench's budget per task):
    // this very check read DynamoDB once more (other handlers may have read meanwhile).
    const before = body.requests['DynamoDB.GetItem'] ?? 0;
    const again = (await (await fetch(`${stackUrl()}/health`)).json()) as typeof body;

    expect(again.requests['DynamoDB.GetItem']).toBeGreaterThan(before);
  });

  it('explains a missing Java runtime in one line instead of a stack trace', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, PATH: '/nonexistent' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    const code = await new Promise((done) => child.once('exit', done));

    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('needs a Java runtime');
    expect(stderr).toContain('apt-get install');
  });

  it('refuses to delete a cluster while its counts say services remain', async () => {
    // Prepare: nothing in this API adds services yet, so set the count the way
    // CreateService will (on the cluster item) straight in DynamoDB Local.
    const name = uniqueName('busy');
    await ecs.send(new CreateClusterCommand({ clusterName: name }));
    const dynamo = dynamoDbClient();
    const setServices = (count: number) =>
      dynamo.send(
        new UpdateItemCommand({
          TableName: 'berth-local-resources',
          Key: { pk: { S: `CLUSTER#${name}` }, sk: { S: 'CLUSTER' } },
          UpdateExpression: 'SET activeServicesCount = :n',
          ExpressionAttributeValues: { ':n': { N: String(count) } },
        }),
      );
    await setServices(1);

    // Act
    const refused = ecs.send(new DeleteClusterCommand({ cluster: name }));

    // Assess
    await expect(refused).rejects.toBeInstanceOf(ClusterContainsServicesException);
    const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: [name] }));
    expect(clusters?.[0]?.status).toBe('ACTIVE');
    await setServices(0);
    await expect(ecs.send(new DeleteClusterCommand({ cluster: name }))).resolves.toBeDefined();
    dynamo.destroy();
  });

  it('purges a stuck deletion through the scheduled sweeper when its workflow is lost', async () => {
    // Prepare: a revision in DELETE_IN_PROGRESS whose clean-up execution is stopped.
    const family = uniqueName('sweep');
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: 'c', image: 'i', memory: 32 }],
      }),
    );
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: `${family}:1` }));
    await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [`${family}:1`] }));
    const sfn = new SFNClient({
      endpoint: process.env.BERTH_TEST_SFN_URL,
      region: 'us-east-1',
      credentials,
    });
    const { executions } = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn:
          'arn:aws:states:us-east-1:000000000000:stateMachine:berth-local-task-definition-cleanup',
        statusFilter: 'RUNNING',
      }),
    );
    for (const execution of executions ?? []) {
      await sfn.send(new StopExecutionCommand({ executionArn: execution.executionArn }));
    }
    await new Promise((done) => setTimeout(done, 1_500));
    const stuck = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:1` }),
    );
    expect(stuck.taskDefinition?.status).toBe('DELETE_IN_PROGRESS');

    // Act: what the one-minute schedule does, with no grace period.
    const lambda = new LambdaClient({
      endpoint: process.env.BERTH_TEST_LAMBDA_URL,
      region: 'us-east-1',
      credentials,
    });
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: 'berth-local-sweepTaskDefinitions',
        Payload: Buffer.from(JSON.stringify({ graceSeconds: 0 })),
      }),
    );

    // Assess
    const result = JSON.parse(Buffer.from(out.Payload ?? []).toString()) as { purged: number };
    expect(result.purged).toBeGreaterThanOrEqual(1);
    await expect(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:1` })),
    ).rejects.toBeInstanceOf(ClientException);
    sfn.destroy();
    lambda.destroy();
  });

  it('keeps its state across a restart and frees every port when stopped', async () => {
    // Prepare: a second stack with its own data folder.
    const first = await startStackProcess();
    const client = ecsClient(first.url);
    const name = uniqueName('persist');
    await client.send(
      new CreateClusterCommand({ clusterName: name, tags: [{ key: 'k', value: 'v' }] }),
    );
    const family = uniqueName('persist');
    for (let i = 0; i < 2; i += 1) {
      await client.send(
        new RegisterTaskDefinitionCommand({
          family,
          containerDefinitions: [{ name: 'c', image: 'i', memory: 32 }],
        }),
      );
    }
    client.destroy();

    // Act: stop as Ctrl-C does, then start again on the same data.
    const code = await first.stop('SIGINT');
    const portsFree = await Promise.all(Object.values(first.ports).map(canBind));
    const second = await startStackProcess({ dataDir: first.dataDir, ports: first.ports });
    const again = ecsClient(second.url);

    // Assess
    try {
      expect(code).toBe(0);
      expect(portsFree).toEqual(Object.values(first.ports).map(() => true));
      const { clusters } = await again.send(
        new DescribeClustersCommand({ clusters: [name], include: ['TAGS'] }),
      );
      expect(clusters?.[0]).toMatchObject({ clusterName: name, tags: [{ key: 'k', value: 'v' }] });
      const next = await again.send(
        new RegisterTaskDefinitionCommand({
          family,
          containerDefinitions: [{ name: 'c', image: 'i', memory: 32 }],
        }),
      );
      expect(next.taskDefinition?.revision).toBe(3);
    } finally {
      again.destroy();
      await second.stop();
    }
  }, 240_000);

  it('answers the AWS CLI (aws ecs ... --endpoint-url)', async () => {
    // botocore signs as it signs for AWS, and the stack verifies it.
    const cli = async (service: string, ...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        'aws',
        [
          service,
          ...args,
          '--endpoint-url',
          stackUrl(),
          '--region',
          'us-east-1',
          '--output',
          'json',
        ],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            AWS_PAGER: '',
          },
        },
      );
      return JSON.parse(stdout || '{}') as Record<string, unknown>;
    };
    const aws = (...args: string[]) => cli('ecs', ...args);
    const name = uniqueName('cli');

    const created = await aws('create-cluster', '--cluster-name', name);
    const listed = await aws('list-clusters');
    const registered = await aws(
      'register-task-definition',
      '--family',
      name,
      '--container-definitions',
      JSON.stringify([{ name: 'web', image: 'nginx', memory: 128 }]),
    );
    const failure = aws('describe-task-definition', '--task-definition', `${name}:7`);

    expect((created.cluster as { status: string }).status).toBe('ACTIVE');
    expect(listed.clusterArns).toContain(`arn:aws:ecs:us-east-1:000000000000:cluster/${name}`);
    expect((registered.taskDefinition as { revision: number }).revision).toBe(1);
    await expect(failure).rejects.toThrow(/ClientException.*Unable to describe task definition/s);

    // IAM and STS through the same endpoint, as `aws iam` and `aws sts` send them.
    const createdUser = await cli('iam', 'create-user', '--user-name', name);
    expect(createdUser.User).toMatchObject({
      UserName: name,
      Arn: `arn:aws:iam::000000000000:user/${name}`,
    });
    const key = (await cli('iam', 'create-access-key', '--user-name', name)).AccessKey as {
      AccessKeyId: string;
      SecretAccessKey: string;
    };
    expect(key.SecretAccessKey).toHaveLength(40);
    await cli(
      'iam',
      'put-user-policy',
      '--user-name',
      name,
      '--policy-name',
      'read',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ecs:List*', Resource: '*' }],
      }),
    );
    const policy = await cli(
      'iam',
      'get-user-policy',
      '--user-name',
      name,
      '--policy-name',
      'read',
    );
    // botocore decodes the URL-encoded document.
    expect(policy.PolicyDocument).toMatchObject({ Statement: [{ Action: 'ecs:List*' }] });
    expect(await cli('sts', 'get-caller-identity')).toMatchObject({
      Arn: 'arn:aws:iam::000000000000:root',
    });
    const refused = cli('iam', 'get-user', '--user-name', `${name}-nobody`);
    await expect(refused).rejects.toThrow(/NoSuchEntity.*cannot be found/s);
  });
});
