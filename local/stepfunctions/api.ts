import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionOutput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  ExecutionStatus,
  GetExecutionHistoryOutput,
  ListExecutionsOutput,
  ListStateMachinesOutput,
  StartExecutionOutput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { executionArnOf, isValidName, requireExecutionArn, requireStateMachineArn } from './arns';
import { SfnError } from './errors';
import type { Executor } from './executor';
import { isJsonObject, parseJson } from './json';
import type { LoadedMachine } from './machines';
import { MAX_PAGE_SIZE, paginate } from './pagination';
import {
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  type RequestBody,
  requiredString,
} from './params';
import type { ExecutionRecord, ExecutionStore } from './store';
import type { TaskTokens } from './tokens';
import type { Wire, WireHistoryEvent } from './wire';

/**
 * The Step Functions operations this server answers, with the request checks
 * and error types of the real service. Shapes are the SDK's
 * (`@aws-sdk/client-sfn`), with timestamps as epoch seconds.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_Operations.html
 */

interface ApiOptions {
  machines: Map<string, LoadedMachine>;
  store: ExecutionStore;
  executor: Executor;
  tokens: TaskTokens;
}

/** Step Functions' limit on execution input and task output, in bytes. */
const MAX_PAYLOAD_BYTES = 262_144;
const MAX_TOKEN_LENGTH = 2048;

const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
];

const listItem = (record: ExecutionRecord): Wire<ExecutionListItem> => ({
  executionArn: record.executionArn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: record.startDate,
  ...(record.stopDate !== undefined ? { stopDate: record.stopDate } : {}),
  ...(record.redriveCount > 0 ? { redriveCount: record.redriveCount } : {}),
});

/** A copy of `event` without inputs and outputs (`includeExecutionData: false`). */
const withoutData = (event: WireHistoryEvent): WireHistoryEvent =>
  Object.fromEntries(
    Object.entries(event).map(([key, value]) => {
      if (!key.endsWith('EventDetails') || !isJsonObject(value)) return [key, value];
      const details: Record<string, unknown> = { ...value };
      delete details.input;
      delete details.output;
      delete details.parameters;
      return [key, details];
    }),
  ) as WireHistoryEvent;

class StepFunctionsApi {
  private readonly operations: Record<string, (body: RequestBody) => unknown>;

  constructor(private readonly options: ApiOptions) {
    this.operations = {
      StartExecution: (body) => this.startExecution(body),
      DescribeExecution: (body) => this.describeExecution(body),
      StopExecution: (body) => this.stopExecution(body),
      GetExecutionHistory: (body) => this.getExecutionHistory(body),
      ListExecutions: (body) => this.listExecutions(body),
      ListStateMachines: (body) => this.listStateMachines(body),
      DescribeStateMachine: (body) => this.describeStateMachine(body),
      SendTaskSuccess: (body) => this.sendTaskSuccess(body),
      SendTaskFailure: (body) => this.sendTaskFailure(body),
      SendTaskHeartbeat: (body) => this.sendTaskHeartbeat(body),
    };
  }

  /** Runs `operation` (the part of `X-Amz-Target` after `AWSStepFunctions.`). */
  async handle(operation: string, body: RequestBody): Promise<unknown> {
    const run = Object.hasOwn(this.operations, operation) ? this.operations[operation] : undefined;
    if (!run) {
      throw new SfnError('UnknownOperationException', `Unknown operation: ${operation}`);
    }
    return run(body);
  }

  private machine(stateMachineArn: string): LoadedMachine {
    requireStateMachineArn(stateMachineArn);
    const machine = this.options.machines.get(stateMachineArn);
    if (!machine) {
      throw new SfnError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    }
    return machine;
  }

  private execution(executionArn: string): ExecutionRecord {
    requireExecutionArn(executionArn);
    const record = this.options.store.get(executionArn);
    if (!record) {
      throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return record;
  }

  /**
   * Standard-workflow idempotency: the same name and input as a RUNNING
   * execution returns that execution; the same name otherwise (different
   * input, or an execution that has finished) is `ExecutionAlreadyExists`.
   */
  private async startExecution(body: RequestBody): Promise<Wire<StartExecutionOutput>> {
    const machine = this.machine(requiredString(body, 'stateMachineArn'));
    const name = optionalString(body, 'name') ?? randomUUID();
    if (!isValidName(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const input = optionalString(body, 'input') ?? '{}';
    if (Buffer.byteLength(input) > MAX_PAYLOAD_BYTES) {
      throw new SfnError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: 'The input exceeds ${MAX_PAYLOAD_BYTES} bytes'`,
      );
    }
    if (!parseJson(input)) {
      throw new SfnError(
        'InvalidExecutionInput',
        "Invalid State Machine Execution Input: 'The input is not valid JSON'",
      );
    }
    const executionArn = executionArnOf(machine.arn, name);
    const existing = this.options.store.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      input,
      status: 'RUNNING',
      startDate: Date.now() / 1000,
      redriveCount: 0,
      history: [],
    };
    this.options.store.add(record);
    this.options.executor.run(record, { resumed: false });
    await this.options.store.durable(record);
    return { executionArn, startDate: record.startDate };
  }

  private describeExecution(body: RequestBody): Wire<DescribeExecutionOutput> {
    const record = this.execution(requiredString(body, 'executionArn'));
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate,
      ...(record.stopDate !== undefined ? { stopDate: record.stopDate } : {}),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output !== undefined
        ? { output: record.output, outputDetails: { included: true } }
        : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
      redriveCount: record.redriveCount,
      ...(record.redriveDate !== undefined ? { redriveDate: record.redriveDate } : {}),
    };
  }

  private async stopExecution(body: RequestBody): Promise<Wire<StopExecutionOutput>> {
    const record = this.execution(requiredString(body, 'executionArn'));
    const error = optionalString(body, 'error', 256);
    const cause = optionalString(body, 'cause', 32_768);
    this.options.executor.stop(record, error, cause);
    await this.options.store.durable(record);
    return { stopDate: record.stopDate ?? Date.now() / 1000 };
  }

  private getExecutionHistory(body: RequestBody): Wire<GetExecutionHistoryOutput> {
    const record = this.execution(requiredString(body, 'executionArn'));
    const maxResults = optionalInteger(body, 'maxResults', 0, MAX_PAGE_SIZE);
    const reverseOrder = optionalBoolean(body, 'reverseOrder') ?? false;
    const includeData = optionalBoolean(body, 'includeExecutionData') ?? true;
    const events = reverseOrder ? [...record.history].reverse() : record.history;
    const { page, nextToken } = paginate(
      events,
      maxResults,
      optionalString(body, 'nextToken', 1024),
    );
    return {
      events: includeData ? page : page.map(withoutData),
      ...(nextToken !== undefined ? { nextToken } : {}),
    };
  }

  private listExecutions(body: RequestBody): Wire<ListExecutionsOutput> {
    if (body.mapRunArn !== undefined && body.mapRunArn !== null) {
      throw new SfnError('ValidationException', 'Distributed Map runs are not supported locally');
    }
    const machine = this.machine(requiredString(body, 'stateMachineArn'));
    const statusFilter = optionalEnum(body, 'statusFilter', EXECUTION_STATUSES);
    const maxResults = optionalInteger(body, 'maxResults', 0, MAX_PAGE_SIZE);
    const executions = this.options.store
      .all()
      .filter((record) => record.stateMachineArn === machine.arn)
      .filter((record) => statusFilter === undefined || record.status === statusFilter)
      .sort((a, b) => b.startDate - a.startDate || a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(
      executions,
      maxResults,
      optionalString(body, 'nextToken', 3096),
    );
    return { executions: page.map(listItem), ...(nextToken !== undefined ? { nextToken } : {}) };
  }

  private listStateMachines(body: RequestBody): Wire<ListStateMachinesOutput> {
    const maxResults = optionalInteger(body, 'maxResults', 0, MAX_PAGE_SIZE);
    const machines = [...this.options.machines.values()].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    const { page, nextToken } = paginate(
      machines,
      maxResults,
      optionalString(body, 'nextToken', 1024),
    );
    return {
      stateMachines: page.map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: 'STANDARD',
        creationDate: machine.creationDate,
      })),
      ...(nextToken !== undefined ? { nextToken } : {}),
    };
  }

  private describeStateMachine(body: RequestBody): Wire<DescribeStateMachineOutput> {
    const machine = this.machine(requiredString(body, 'stateMachineArn'));
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: JSON.stringify(machine.prepared.resolved, null, 2),
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: machine.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  private sendTaskSuccess(body: RequestBody): Record<string, never> {
    const token = requiredString(body, 'taskToken', MAX_TOKEN_LENGTH);
    const output = requiredString(body, 'output', MAX_PAYLOAD_BYTES);
    const parsed = parseJson(output);
    if (!parsed)
      throw new SfnError('InvalidOutput', "Invalid Output: 'The output is not valid JSON'");
    this.options.tokens.succeed(token, parsed.value);
    return {};
  }

  private sendTaskFailure(body: RequestBody): Record<string, never> {
    const token = requiredString(body, 'taskToken', MAX_TOKEN_LENGTH);
    const error = optionalString(body, 'error', 256);
    const cause = optionalString(body, 'cause', 32_768);
    this.options.tokens.fail(token, error, cause);
    return {};
  }

  private sendTaskHeartbeat(body: RequestBody): Record<string, never> {
    this.options.tokens.heartbeat(requiredString(body, 'taskToken', MAX_TOKEN_LENGTH));
    return {};
  }
}

export { type ApiOptions, StepFunctionsApi };
