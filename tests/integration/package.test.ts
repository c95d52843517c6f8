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

  it('emits the functions on nodejs22.x, the HTTP routes, the state machine and the schedule', () => {
    const functions = ofType('AWS::Lambda::Function');
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    const machines = ofType('AWS::StepFunctions::StateMachine');
    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties.ScheduleExpression);

    expect(functions.map(([id]) => id).sort()).toEqual([
      'ApiLambdaFunction',
      'HealthLambdaFunction',
      'PurgeTaskDefinitionLambdaFunction',
      'SweepTaskDefinitionsLambdaFunction',
    ]);
    expect(functions.every(([, f]) => f.Properties.Runtime === 'nodejs22.x')).toBe(true);
    expect(routes.sort()).toEqual(['GET /health', 'POST /']);
    expect(machines.map(([, m]) => m.Properties.StateMachineName)).toEqual([
      'berth-ci-task-definition-cleanup',
    ]);
    expect(rules).toEqual(['rate(1 minute)']);
  });

  it('wires the state machine Task to the purge Lambda, not to a hard-coded ARN', () => {
    const [machine] = ofType('AWS::StepFunctions::StateMachine');
    const definition = JSON.stringify(machine?.[1].Properties.DefinitionString);

    expect(definition).toContain('PurgeTaskDefinitionLambdaFunction');
    expect(definition).not.toContain('arn:aws:lambda');
  });
});
