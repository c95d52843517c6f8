import type { Task } from '@aws-sdk/client-ecs';
import { useState } from 'preact/hooks';
import type { Api } from './api';
import { useLiveRead } from './liveRead';
import { alerts, html } from './view';

/**
 * One task: its containers and their exit codes, why it stopped, its network
 * attachment (a FARGATE or awsvpc task's address), and a timeline of its
 * state changes from its own timestamps.
 */

/** A task state change seen on the events stream while the console was open. */
interface TaskEvent {
  readonly at: Date;
  readonly taskArn: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
}

const TIMELINE: ReadonlyArray<readonly [keyof Task, string]> = [
  ['createdAt', 'Created (PROVISIONING)'],
  ['connectivityAt', 'Handed to its host (PENDING)'],
  ['pullStartedAt', 'Image pull started'],
  ['pullStoppedAt', 'Image pull finished'],
  ['startedAt', 'RUNNING'],
  ['stoppingAt', 'Stopping'],
  ['executionStoppedAt', 'Containers exited'],
  ['stoppedAt', 'STOPPED'],
];

/** The task's own timestamps, and the state changes the events stream brought while the page was open. */
const timeline = (task: Task, events: readonly TaskEvent[]): { at: Date; label: string }[] =>
  [
    ...TIMELINE.flatMap(([field, label]) => {
      const at = task[field];
      return at instanceof Date ? [{ at, label }] : [];
    }),
    ...events
      .filter((event) => event.taskArn === task.taskArn)
      .map((event) => ({
        at: event.at,
        label: `Event: ${event.lastStatus} (desired ${event.desiredStatus})`,
      })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

const TaskPage = ({
  client,
  cluster,
  id,
  live,
  events,
}: {
  client: Api;
  cluster: string;
  id: string;
  live: number;
  /** State changes seen on the events stream while the console was open. */
  events: readonly TaskEvent[];
}) => {
  const [task, setTask] = useState<Task>();
  const { readError: error } = useLiveRead(
    () => client.task(cluster, id).then(setTask),
    [client, cluster, id, live],
  );
  const attachment = task?.attachments?.find((item) => item.type === 'ElasticNetworkInterface');
  const detail = (name: string) => attachment?.details?.find((item) => item.name === name)?.value;
  return html`<section aria-labelledby="task-title">
    <p><a href=${`#/clusters/${encodeURIComponent(cluster)}`}>Cluster ${cluster}</a></p>
    <h2 id="task-title">Task ${id}</h2>
    ${alerts(error)}
    ${
      task
        ? html`<dl class="facts">
            <dt>Last status</dt><dd class="status">${task.lastStatus}</dd>
            <dt>Desired status</dt><dd>${task.desiredStatus}</dd>
            <dt>Task definition</dt><dd>${task.taskDefinitionArn?.split('/').at(-1)}</dd>
            <dt>Launch type</dt><dd>${task.launchType}</dd>
            <dt>Started by</dt><dd>${task.startedBy ?? task.group ?? ''}</dd>
            <dt>Container instance</dt><dd><code>${task.containerInstanceArn?.split('/').at(-1) ?? '—'}</code></dd>
            ${task.stopCode ? html`<dt>Stop code</dt><dd>${task.stopCode}</dd>` : null}
            ${task.stoppedReason ? html`<dt>Stopped reason</dt><dd class="reason">${task.stoppedReason}</dd>` : null}
            ${
              attachment
                ? html`<dt>Network</dt><dd class="network">${detail('privateIPv4Address') ?? '—'} in ${detail('subnetId') ?? '—'} (${attachment.status})</dd>`
                : null
            }
          </dl>
          <h3>Containers</h3>
          <table>
            <thead><tr><th>Name</th><th>Image</th><th>Last status</th><th>Exit code</th><th>Reason</th><th>Ports</th></tr></thead>
            <tbody>
              ${(task.containers ?? []).map(
                (container) => html`<tr data-container=${container.name}>
                  <td>${container.name}</td>
                  <td>${container.image}</td>
                  <td>${container.lastStatus}</td>
                  <td class="exit">${container.exitCode ?? ''}</td>
                  <td>${container.reason ?? ''}</td>
                  <td>${(container.networkBindings ?? []).map((binding) => `${binding.hostPort}→${binding.containerPort}/${binding.protocol}`).join(', ')}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          <h3>Timeline</h3>
          <ol class="timeline">
            ${timeline(task, events).map(({ at, label }) => html`<li><time>${at.toISOString()}</time> ${label}</li>`)}
          </ol>`
        : null
    }
  </section>`;
};

export type { TaskEvent };
export { TaskPage };
