import type { TaskLifecycleInput } from '../domain/ports/WorkflowStarter';

/**
 * The payloads that flow between the states of each workflow in
 * `statemachines/`. Choice states branch on the `status` members, so their
 * values are part of the contract with the ASL.
 */

/** Input of `statemachines/task-definition-cleanup.asl.json`. */
interface TaskDefinitionCleanupInput {
  readonly family: string;
  readonly revision: number;
  /** Seconds to wait before purging. */
  readonly intervalSeconds: number;
}

/** Output of the purge step. */
interface TaskDefinitionCleanupResult {
  readonly family: string;
  readonly revision: number;
  /** `PURGED`: removed now; `GONE`: nothing left to remove. */
  readonly status: 'PURGED' | 'GONE';
}

export type { TaskDefinitionCleanupInput, TaskDefinitionCleanupResult };

/** Input of `statemachines/task-lifecycle.asl.json`, and of each of its steps. */
interface TaskLifecycleStepInput {
  readonly cluster: string;
  readonly taskId: string;
}

/** What a provisioning step answers; Choice states branch on `status`. */
interface ProvisionStepResult {
  /** `STOPPED`: the task cannot go on (it was stopped, or the step failed it). */
  readonly status: 'PROVISIONING' | 'PENDING' | 'STOPPED' | string;
}

/** What a waitForTaskToken step hands its Lambda. */
interface TaskPhaseInput extends TaskLifecycleStepInput {
  readonly phase: 'stop';
  readonly token: string;
}

/** The Provision step (waitForTaskToken): the token is parked on the task as it is handed over. */
interface ProvisionInput extends TaskLifecycleStepInput {
  readonly token: string;
  /** The execution's whole state, for its `created` task (TaskLifecycleInput). */
  readonly execution?: { readonly created?: unknown };
}

export type {
  ProvisionInput,
  ProvisionStepResult,
  TaskLifecycleInput,
  TaskLifecycleStepInput,
  TaskPhaseInput,
};
