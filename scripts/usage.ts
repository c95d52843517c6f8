import { Command, InvalidArgumentError } from 'commander';
import { credentialsFromEnvironment } from '../agent/signing';
import { formatTable, USAGE_GROUPINGS, type UsageReport } from '../functions/domain/usage/report';
import { signedFetch } from '../local/signedFetch';

/**
 * `npm run usage`: the metered usage and cost of FARGATE tasks, as a table
 * (or the API's JSON with --json), from Berth's own GetUsageReport.
 *
 *   npm run usage -- --since 24h --group-by service
 *   npm run usage -- --start 2026-12-01T00:00:00Z --end 2026-12-02T00:00:00Z --cluster demo
 */

const DURATION = /^(\d+)([smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const time = (text: string): number => {
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new InvalidArgumentError('expected an ISO 8601 time');
  return parsed;
};
const duration = (text: string): number => {
  const match = DURATION.exec(text);
  if (!match) throw new InvalidArgumentError('expected a duration such as 90m, 24h or 7d');
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
};

const program = new Command('usage')
  .description('Metered usage and cost of FARGATE tasks, per cluster, service, family or task.')
  .option(
    '--endpoint <url>',
    'the Berth endpoint',
    process.env.BERTH_ENDPOINT ?? 'http://127.0.0.1:3000',
  )
  .option('--start <time>', 'start of the range (ISO 8601)', time)
  .option('--end <time>', 'end of the range (ISO 8601; default: now)', time)
  .option('--since <duration>', 'the range is the last <duration> (default: 24h)', duration)
  .option('--cluster <name>', 'one cluster only')
  .option('--group-by <key>', `one of ${USAGE_GROUPINGS.join(', ')}`, 'service')
  .option('--json', "print the API's answer as JSON", false)
  .allowExcessArguments(false);

const main = async () => {
  program.parse();
  const options = program.opts<{
    endpoint: string;
    start?: number;
    end?: number;
    since?: number;
    cluster?: string;
    groupBy: string;
    json: boolean;
  }>();
  const end = options.end ?? Date.now();
  const start = options.start ?? end - (options.since ?? UNIT_MS.h * 24);
  // Signed as every AWS client signs, with the caller's key from the environment
  // (signing name `berth`; a stack that verifies nothing accepts any key).
  const response = await signedFetch(
    options.endpoint,
    {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Berth_20261201.GetUsageReport',
      },
      body: JSON.stringify({
        startTime: start / 1000,
        endTime: end / 1000,
        groupBy: options.groupBy,
        ...(options.cluster ? { cluster: options.cluster } : {}),
      }),
    },
    {
      service: 'berth',
      region: process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1',
      credentials: credentialsFromEnvironment(),
    },
  );
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    console.error(`${String(body.__type ?? response.status)}: ${String(body.message ?? '')}`);
    process.exit(1);
  }
  if (options.json) {
    console.log(JSON.stringify(body, null, 2));
    return;
  }
  // The wire has epoch seconds; the table wants the report's own epoch milliseconds.
  const report = {
    ...body,
    from: Number(body.from) * 1000,
    to: Number(body.to) * 1000,
  } as unknown as UsageReport;
  console.log(formatTable(report));
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
