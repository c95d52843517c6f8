import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');

type Template = {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};

describe('osls package', () => {
  let template: Template;

  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'berth-package-'));
    await promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'osls'),
      ['package', '--stage', 'ci', '--package', out],
      { cwd: ROOT, env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' } },
    );
    template = JSON.parse(
      readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
  }, 120_000);

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
      GlobalSecondaryIndexes: [expect.objectContaining({ IndexName: 'gsi1' })],
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
      'FailTaskStartLambdaFunction',
      'FinalizeTaskLambdaFunction',
      'ForceStopTaskLambdaFunction',
      'HealthLambdaFunction',
      'ProvisionTaskCapacityLambdaFunction',
      'ProvisionTaskLambdaFunction',
      'ProvisionTaskNetworkLambdaFunction',
      'PurgeTaskDefinitionLambdaFunction',
      'ReleaseTaskCapacityLambdaFunction',
      'ReleaseTaskNetworkLambdaFunction',
      'SweepAgentsLambdaFunction',
      'SweepTaskDefinitionsLambdaFunction',
      'SweepTasksLambdaFunction',
    ]);
    expect(functions.every(([, f]) => f.Properties.Runtime === 'nodejs22.x')).toBe(true);
    expect(routes.sort()).toEqual(['$connect', '$default', '$disconnect', 'GET /health', 'POST /']);
    expect(machines.map(([, m]) => m.Properties.StateMachineName).sort()).toEqual([
      'berth-ci-task-definition-cleanup',
      'berth-ci-task-lifecycle',
    ]);
    expect(rules).toEqual(['rate(1 minute)', 'rate(1 minute)', 'rate(1 minute)']);
  });

  it('wires the state machines to their Lambdas, not to hard-coded ARNs', () => {
    const definitions = ofType('AWS::StepFunctions::StateMachine').map(([, machine]) =>
      JSON.stringify(machine.Properties.DefinitionString),
    );
    const all = definitions.join('\n');

    expect(all).toContain('PurgeTaskDefinitionLambdaFunction');
    expect(all).toContain('AwaitTaskPhaseLambdaFunction');
    expect(all).toContain('FinalizeTaskLambdaFunction');
    expect(all).not.toContain('arn:aws:lambda');
  });
});
