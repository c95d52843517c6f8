import './polyfill';
import { StateMachine } from 'aws-local-stepfunctions';
import { lambdaArnOf, parseStatesArn, roleArnOf, type StatesArn } from './arns';
import { type PreparedDefinition, prepareDefinition } from './definitions';
import { epochSeconds } from './wire';

/**
 * The state machines this server runs, fixed when it starts (locally there is
 * no `CreateStateMachine`: the definitions are the repo's ASL files). Each is
 * prepared and validated up front, so a definition that cannot run fails
 * `npm start` with the machine and state named, not an execution later.
 */

interface StateMachineConfig {
  name: string;
  arn: string;
  definition: object;
}

interface LoadedMachine {
  name: string;
  arn: string;
  parsedArn: StatesArn;
  roleArn: string;
  prepared: PreparedDefinition;
  machine: StateMachine;
  creationDate: number;
}

/**
 * Prepares every configured machine. `resolveFunctionName` maps a logical
 * function name (the `Fn::GetAtt` target) to the name serverless-offline
 * serves it under, e.g. `berth-local-purgeTaskDefinition`.
 */
function loadStateMachines(
  configs: StateMachineConfig[],
  resolveFunctionName: (logicalName: string) => string,
): Map<string, LoadedMachine> {
  const machines = new Map<string, LoadedMachine>();
  const creationDate = epochSeconds();
  for (const config of configs) {
    const parsedArn = parseStatesArn(config.arn);
    if (parsedArn?.resourceType !== 'stateMachine') {
      throw new Error(`State machine ${config.name}: ${config.arn} is not a state machine ARN`);
    }
    if (parsedArn.stateMachineName !== config.name) {
      throw new Error(`State machine ${config.name}: its ARN ${config.arn} names another machine`);
    }
    if (machines.has(config.arn))
      throw new Error(`State machine ${config.arn} is configured twice`);
    try {
      const prepared = prepareDefinition(config.definition, (logicalName) =>
        lambdaArnOf(parsedArn, resolveFunctionName(logicalName)),
      );
      machines.set(config.arn, {
        name: config.name,
        arn: config.arn,
        parsedArn,
        roleArn: roleArnOf(parsedArn),
        prepared,
        machine: new StateMachine(prepared.runnable),
        creationDate,
      });
    } catch (error) {
      throw new Error(`State machine ${config.name}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return machines;
}

export { type LoadedMachine, loadStateMachines, type StateMachineConfig };
