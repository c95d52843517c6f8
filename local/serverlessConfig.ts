import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';

/**
 * Reads `serverless.yml` — the one place where tables, functions and state
 * machines are declared — so that the local stack builds exactly what a
 * deployment would. Only the variable forms this project uses are resolved
 * (`${self:…}`, `${sls:stage}`, `${opt:…, default}`, `${env:…, default}`,
 * `${file(…)}`); CloudFormation intrinsics are left as they are.
 */

type Yaml = Record<string, unknown>;

interface LocalServerlessConfig {
  readonly service: string;
  readonly stage: string;
  readonly tables: CreateTableCommandInput[];
  /** TTL attribute per table name, for UpdateTimeToLive. */
  readonly ttlAttributes: Record<string, string>;
  readonly stateMachines: { name: string; definition: Record<string, unknown> }[];
  /** The deployed name of a function (`service-stage-fn`), as the Lambda invoke endpoint wants it. */
  functionName(logicalName: string): string;
}

const VARIABLE = /\$\{([^{}]+)\}/;

const lookup = (root: Yaml, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Yaml | undefined)?.[key], root);

const unquote = (text: string): string => text.trim().replace(/^['"]|['"]$/g, '');

const resolveVariable = (
  expression: string,
  root: Yaml,
  context: { stage: string; directory: string },
): unknown => {
  const [source = '', ...fallbacks] = expression.split(',');
  const fallback = fallbacks.length > 0 ? fallbacks.join(',').trim() : undefined;
  const resolveFallback = (): unknown => {
    if (fallback === undefined) throw new Error(`Cannot resolve \${${expression}} locally`);
    return /^(self|sls|opt|env):/.test(fallback)
      ? resolveVariable(fallback, root, context)
      : unquote(fallback);
  };
  const trimmed = source.trim();
  if (trimmed === 'sls:stage') return context.stage;
  if (trimmed.startsWith('self:')) return lookup(root, trimmed.slice(5)) ?? resolveFallback();
  if (trimmed.startsWith('env:')) return process.env[trimmed.slice(4)] || resolveFallback();
  if (trimmed.startsWith('opt:')) return resolveFallback();
  const file = /^file\((.+)\)$/.exec(trimmed);
  if (file?.[1]) return JSON.parse(readFileSync(join(context.directory, file[1]), 'utf8'));
  throw new Error(`Unsupported variable \${${expression}} in serverless.yml`);
};

const resolve = (
  value: unknown,
  root: Yaml,
  context: { stage: string; directory: string },
): unknown => {
  if (typeof value === 'string') {
    const whole = /^\$\{([^{}]+)\}$/.exec(value);
    if (whole?.[1]) return resolve(resolveVariable(whole[1], root, context), root, context);
    let text = value;
    for (let match = VARIABLE.exec(text); match; match = VARIABLE.exec(text)) {
      text = text.replace(
        match[0],
        String(resolve(resolveVariable(match[1] ?? '', root, context), root, context)),
      );
    }
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, root, context));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolve(item, root, context)]),
    );
  }
  return value;
};

const loadServerlessConfig = (directory: string, stage = 'local'): LocalServerlessConfig => {
  const root = parse(readFileSync(join(directory, 'serverless.yml'), 'utf8')) as Yaml;
  const context = { stage, directory };
  const service = String(root.service);
  const resources = (lookup(root, 'resources.Resources') ?? {}) as Record<string, Yaml>;
  const tables: CreateTableCommandInput[] = [];
  const ttlAttributes: Record<string, string> = {};
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const properties = resolve(resource.Properties, root, context) as Yaml;
    const {
      TimeToLiveSpecification: ttl,
      PointInTimeRecoverySpecification: _pitr,
      ...table
    } = properties;
    tables.push(table as unknown as CreateTableCommandInput);
    const ttlSpec = ttl as { AttributeName?: string; Enabled?: boolean } | undefined;
    if (ttlSpec?.Enabled && ttlSpec.AttributeName) {
      ttlAttributes[String(table.TableName)] = ttlSpec.AttributeName;
    }
  }
  const machines = (lookup(root, 'stepFunctions.stateMachines') ?? {}) as Record<string, Yaml>;
  const stateMachines = Object.values(machines).map((machine) => ({
    name: String(resolve(machine.name, root, context)),
    definition: resolve(machine.definition, root, context) as Record<string, unknown>,
  }));
  return {
    service,
    stage,
    tables,
    ttlAttributes,
    stateMachines,
    functionName: (logicalName) => `${service}-${stage}-${logicalName}`,
  };
};

export type { LocalServerlessConfig };
export { loadServerlessConfig };
