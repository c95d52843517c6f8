import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type FunctionArtifact, packageService, unpack, zipEntries } from '../../local/packaging';

type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};

/** ADR 7: what each function's zip may weigh, so that a cold start loads little. */
const MAX_ZIP_BYTES = 300 * 1024;

describe('osls package', () => {
  let template: Template;
  let directory: string;
  let artifacts: FunctionArtifact[];

  beforeAll(async () => {
    ({ directory, functions: artifacts } = await packageService());
    template = JSON.parse(
      readFileSync(join(directory, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
  }, 120_000);

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const ofType = (type: string) =>
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

  it('emits the table with its key schema, index and TTL', () => {
    const [table] = ofType('AWS::DynamoDB::Table');

    expect(table?.[1].Properties).toMatchObject({
      TableName: 'berth-ci-resources',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        expect.objectContaining({ IndexName: 'gsi1' }),
        expect.objectContaining({
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
        }),
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('emits the functions on nodejs22.x, the HTTP and WebSocket routes, the state machines and the schedules', () => {
    const functions = ofType('AWS::Lambda::Function');
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => String(r.Properties.RouteKey));
    const machines = ofType('AWS::StepFunctions::StateMachine');
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties.ScheduleExpression);

    expect(functions.map(([id]) => id).sort()).toEqual([
      'AgentConnectLambdaFunction',
      'AgentDisconnectLambdaFunction',
      'AgentMessageLambdaFunction',
      'ApiLambdaFunction',
      'AwaitTaskPhaseLambdaFunction',
      'ConsoleLambdaFunction',
      'EvaluateScalingLambdaFunction',
      'FailTaskStartLambdaFunction',
      'FinalizeTaskLambdaFunction',
      'ForceStopTaskLambdaFunction',
      'HealthLambdaFunction',
      'ProvisionTaskCapacityLambdaFunction',
      'ProvisionTaskLambdaFunction',
      'ProvisionTaskNetworkLambdaFunction',
      'PurgeTaskDefinitionLambdaFunction',
      'ReconcileServicesLambdaFunction',
      'ReleaseTaskCapacityLambdaFunction',
      'ReleaseTaskNetworkLambdaFunction',
      'SweepAgentsLambdaFunction',
      'SweepTaskDefinitionsLambdaFunction',
      'SweepTasksLambdaFunction',
    ]);
    expect(functions.every(([, f]) => f.Properties.Runtime === 'nodejs22.x')).toBe(true);
    expect(routes.sort()).toEqual([
      '$connect',
      '$default',
      '$disconnect',
      'GET /console',
      'GET /console/{file}',
      'GET /health',
      'POST /',
    ]);
    expect(machines.map(([, m]) => m.Properties.StateMachineName).sort()).toEqual([
      'berth-ci-task-definition-cleanup',
      'berth-ci-task-lifecycle',
    ]);
    expect(rules).toEqual(Array(5).fill('rate(1 minute)'));
    // The API and the steps wake the service scheduler by invoking it, and may.
    const api = functions.find(([id]) => id === 'ApiLambdaFunction')?.[1];
    expect(
      (api?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables?.BERTH_SCHEDULER_FUNCTION,
    ).toBe('berth-ci-reconcileServices');
    expect(JSON.stringify(ofType('AWS::IAM::Role'))).toContain('lambda:InvokeFunction');
    // On AWS the metrics go to CloudWatch, under a namespace of Berth's own.
    expect(JSON.stringify(ofType('AWS::IAM::Role'))).toContain('cloudwatch:PutMetricData');
    // The root key pair is generated into a secret under the stack's KMS key; no secret is in the template.
    const [, secret] = ofType('AWS::SecretsManager::Secret')[0] ?? [];
    expect(secret?.Properties.GenerateSecretString).toMatchObject({
      GenerateStringKey: 'secretAccessKey',
    });
    expect(secret?.Properties.KmsKeyId).toEqual({ Ref: 'RootKeyEncryptionKey' });
    expect(
      (api?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables?.BERTH_ROOT_SECRET_ARN,
    ).toEqual({ Ref: 'RootKeySecret' });
    expect(JSON.stringify(functions)).not.toMatch(/BERTH_AUTH|BERTH_ROOT_SECRET_ACCESS_KEY/);
  });

  it('wires the state machines to their Lambdas, not to hard-coded ARNs', () => {
    const definitions = ofType('AWS::StepFunctions::StateMachine').map(([, machine]) =>
      JSON.stringify(machine.Properties.DefinitionString),
    );
    const all = definitions.join('\n');

    expect(all).toContain('PurgeTaskDefinitionLambdaFunction');
    expect(all).toContain('AwaitTaskPhaseLambdaFunction');
    expect(all).toContain('ProvisionTaskLambdaFunction');
    expect(all).toContain('FinalizeTaskLambdaFunction');
    expect(all).not.toContain('arn:aws:lambda');
  });

  it('packages each function on its own: one minified module, no source map, at most 300 KB zipped', () => {
    const functions = ofType('AWS::Lambda::Function');

    expect(artifacts).toHaveLength(functions.length);
    for (const artifact of artifacts) {
      const entries = zipEntries(artifact.zipPath);

      expect({ name: artifact.name, entries: entries.length }).toEqual({
        name: artifact.name,
        entries: 1,
      });
      expect(entries[0]).toMatch(/\.js$/);
      expect({ name: artifact.name, small: artifact.zipBytes <= MAX_ZIP_BYTES }).toEqual({
        name: artifact.name,
        small: true,
      });
    }
  });

  it('loads each packaged handler on its own and finds the function serverless.yml names', () => {
    const handlers = new Map(
      ofType('AWS::Lambda::Function').map(([, f]) => [
        String(f.Properties.FunctionName).replace(/^berth-ci-/, ''),
        String(f.Properties.Handler),
      ]),
    );
    for (const artifact of artifacts) {
      const handler = handlers.get(artifact.name) ?? '';
      const exportName = handler.slice(handler.lastIndexOf('.') + 1);
      const [moduleFile] = zipEntries(artifact.zipPath);
      const unpacked = unpack(artifact.zipPath);
      try {
        const loaded = require(join(unpacked, moduleFile ?? '')) as Record<string, unknown>;

        expect({ name: artifact.name, type: typeof loaded[exportName] }).toEqual({
          name: artifact.name,
          type: 'function',
        });
      } finally {
        rmSync(unpacked, { recursive: true, force: true });
      }
    }
  });
});
