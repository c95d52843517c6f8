import type { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbClusterRepository } from '../adapters/dynamodb/DynamoDbClusterRepository';
import { createDocumentClient, DynamoDbTable } from '../adapters/dynamodb/DynamoDbTable';
import { DynamoDbTaskDefinitionRepository } from '../adapters/dynamodb/DynamoDbTaskDefinitionRepository';
import {
  createStepFunctionsClient,
  StepFunctionsWorkflowStarter,
} from '../adapters/stepfunctions/StepFunctionsWorkflowStarter';
import { ClusterService } from '../domain/clusters/ClusterService';
import { systemClock } from '../domain/ports/Clock';
import { TaggingService } from '../domain/tags/TaggingService';
import { TaskDefinitionService } from '../domain/taskDefinitions/TaskDefinitionService';
import { type BerthConfig, loadConfig } from './environment';

/**
 * The composition root: the one place where adapters are chosen and wired
 * into the domain services. Built once per process (a Lambda container or an
 * offline worker) and reused by every request, so that SDK clients and their
 * keep-alive connections are never set up per request.
 */

interface Dependencies {
  readonly config: BerthConfig;
  readonly table: DynamoDbTable;
  readonly stepFunctions: SFNClient;
  readonly clusters: ClusterService;
  readonly taskDefinitions: TaskDefinitionService;
  readonly tagging: TaggingService;
}

const createDependencies = (config: BerthConfig): Dependencies => {
  const arns = { accountId: config.accountId, region: config.region };
  const table = new DynamoDbTable(
    createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint }),
    config.tableName,
  );
  const clusterRepository = new DynamoDbClusterRepository(table);
  const taskDefinitionRepository = new DynamoDbTaskDefinitionRepository(table);
  const stepFunctions = createStepFunctionsClient({
    region: config.region,
    endpoint: config.stepFunctionsEndpoint,
  });
  const workflows = new StepFunctionsWorkflowStarter(
    stepFunctions,
    { taskDefinitionCleanup: config.stateMachineArn('taskDefinitionCleanup') },
    { taskDefinitionCleanupIntervalSeconds: config.taskDefinitionCleanupIntervalSeconds },
  );
  return {
    config,
    table,
    stepFunctions,
    clusters: new ClusterService({ clusters: clusterRepository, clock: systemClock, arns }),
    taskDefinitions: new TaskDefinitionService({
      taskDefinitions: taskDefinitionRepository,
      workflows,
      clock: systemClock,
      arns,
    }),
    tagging: new TaggingService({
      clusters: clusterRepository,
      taskDefinitions: taskDefinitionRepository,
    }),
  };
};

let cached: Dependencies | undefined;

/** The process-wide dependencies, built on first use. */
const dependencies = (): Dependencies => {
  cached ??= createDependencies(loadConfig());
  return cached;
};

export type { Dependencies };
export { createDependencies, dependencies };
