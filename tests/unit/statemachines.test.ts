import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// asl-validator is CommonJS without types.
const aslValidator: (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
} = require('asl-validator');

const DIRECTORY = join(__dirname, '..', '..', 'statemachines');

/**
 * serverless-step-functions turns `{"Fn::GetAtt": [fn, "Arn"]}` into the
 * function's ARN at package time; the validator wants an ARN, so put one in
 * the same place.
 */
const withLambdaArns = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withLambdaArns);
  if (typeof value === 'object' && value !== null) {
    const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      return `arn:aws:lambda:us-east-1:000000000000:function:berth-test-${String(getAtt[0])}`;
    }
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withLambdaArns(item)]),
    );
  }
  return value;
};

const files = readdirSync(DIRECTORY).filter((file) => file.endsWith('.asl.json'));

describe('State machines in statemachines/', () => {
  it('has at least one state machine', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s is valid Amazon States Language', (file) => {
    const definition = withLambdaArns(JSON.parse(readFileSync(join(DIRECTORY, file), 'utf8')));

    const result = aslValidator(definition);

    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('catches a broken definition (the check itself works)', () => {
    const broken = { StartAt: 'Nowhere', States: { Here: { Type: 'Pass', Next: 'Gone' } } };

    expect(aslValidator(broken).isValid).toBe(false);
  });
});
