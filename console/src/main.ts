import type { Cluster, ContainerInstance, Task } from '@aws-sdk/client-ecs';
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { TASK_STATUSES } from '../../functions/domain/tasks/model';
import { type Api, api, type Credentials, type Point } from './api';
import { CapacityProvidersSection } from './capacity';
import { useLiveRead } from './liveRead';
import { ServicePage, ServicesSection, UtilizationChart } from './services';
import { type TaskEvent, TaskPage } from './task';
import { UsagePage } from './usage';
import { alerts, errorText, html } from './view';

/**
 * Berth's console: clusters, their instances and tasks, kept live by the
 * events stream; actions go through the public API with the user's key.
 */

interface ConsoleConfig {
  readonly region: string;
  /** Where ECS's utilization metrics are (`AWS/ECS` locally, Berth's namespace on AWS). */
  readonly metricsNamespace?: string;
  /** The events stream (Server-Sent Events), when the stack has one. */
  readonly eventsUrl?: string;
  /** Without a stream (on AWS), how often a shown page reads again what it shows. */
  readonly refreshSeconds?: number;
}

const CREDENTIALS_KEY = 'berth-console-credentials';

const savedCredentials = (): Credentials | undefined => {
  const text = sessionStorage.getItem(CREDENTIALS_KEY);
  return text ? (JSON.parse(text) as Credentials) : undefined;
};

interface Route {
  readonly cluster?: string;
  readonly service?: string;
  readonly task?: string;
  readonly usage?: boolean;
}

/** `#/clusters/<name>[/services/<name> | /tasks/<id>]` → what the page shows. */
const readRoute = (): Route => {
  if (window.location.hash === '#/usage') return { usage: true };
  const match = /^#\/clusters\/([^/]+)(?:\/(services|tasks)\/([^/]+))?$/.exec(window.location.hash);
  if (!match?.[1]) return {};
  const cluster = decodeURIComponent(match[1]);
  const item = match[3] ? decodeURIComponent(match[3]) : undefined;
  if (match[2] === 'services') return { cluster, service: item };
  if (match[2] === 'tasks') return { cluster, task: item };
  return { cluster };
};

type Live = 'connecting' | 'live' | 'cut' | 'refreshing';

/** An envelope of the events stream (EventBridge's shape). */
interface StreamEvent {
  readonly 'detail-type'?: string;
  readonly time?: string;
  readonly detail?: {
    readonly clusterArn?: string;
    readonly taskArn?: string;
    readonly lastStatus?: string;
    readonly desiredStatus?: string;
  };
}

/** Follows the events stream; `onEvent` for each event, and says whether the stream is up. */
const useEvents = (url: string | undefined, onEvent: (event: StreamEvent) => void): Live => {
  const [state, setState] = useState<Live>(url ? 'connecting' : 'refreshing');
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!url) return undefined;
    const source = new EventSource(url);
    let retry: number | undefined;
    source.onopen = () => setState('live');
    // EventSource reconnects by itself after a network error; the page says the stream is
    // cut meanwhile. After an answer that is not a stream it gives up: then a new one, in 5 s.
    source.onerror = () => {
      setState('cut');
      if (source.readyState === EventSource.CLOSED && retry === undefined) {
        retry = window.setTimeout(() => setAttempt((n) => n + 1), 5_000);
      }
    };
    source.onmessage = (message) => {
      try {
        onEvent(JSON.parse(String(message.data)));
      } catch {
        // Not an event: ignored.
      }
    };
    return () => {
      window.clearTimeout(retry);
      source.close();
    };
  }, [url, onEvent, attempt]);
  return state;
};

/**
 * Where there is no events stream (on AWS: events go to EventBridge), a shown
 * page reads again every `seconds`, and at once when its tab is shown again;
 * a hidden tab costs the API nothing. The ECS console refreshes the same way.
 */
const useRefresh = (active: boolean, seconds: number, onTick: () => void): void => {
  useEffect(() => {
    if (!active) return undefined;
    const tickWhenShown = () => {
      if (document.visibilityState === 'visible') onTick();
    };
    const timer = window.setInterval(tickWhenShown, seconds * 1000);
    document.addEventListener('visibilitychange', tickWhenShown);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tickWhenShown);
    };
  }, [active, seconds, onTick]);
};

const Login = ({
  region,
  onLogin,
}: {
  region: string;
  onLogin: (credentials: Credentials) => void;
}) => {
  const [error, setError] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const credentials: Credentials = {
      accessKeyId: String(form.get('accessKeyId') ?? '').trim(),
      secretAccessKey: String(form.get('secretAccessKey') ?? '').trim(),
      region: String(form.get('region') ?? region).trim(),
    };
    try {
      await api(credentials).clusters();
      sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(credentials));
      onLogin(credentials);
    } catch (caught) {
      setError(errorText(caught));
    }
  };
  return html`<main class="login">
    <h1>Berth</h1>
    <form onSubmit=${submit} aria-label="Sign in">
      <label>Access key ID <input name="accessKeyId" autocomplete="username" required /></label>
      <label>Secret access key <input name="secretAccessKey" type="password" autocomplete="current-password" required /></label>
      <label>Region <input name="region" value=${region} required /></label>
      <button type="submit">Sign in</button>
      ${alerts(error)}
    </form>
    <p class="hint">The key stays in this browser tab and is sent only to this Berth, as request signatures.</p>
  </main>`;
};

const Clusters = ({ client, live }: { client: Api; live: number }) => {
  const [clusters, setClusters] = useState<Cluster[]>();
  const { readError } = useLiveRead(() => client.clusters().then(setClusters), [client, live]);
  return html`<section aria-labelledby="clusters-title">
    <h2 id="clusters-title">Clusters</h2>
    ${alerts(readError)}
    <table>
      <thead><tr><th>Name</th><th>Status</th><th>Instances</th><th>Running</th><th>Pending</th><th>Services</th><th>Capacity providers</th></tr></thead>
      <tbody>
        ${(clusters ?? []).map(
          (cluster) => html`<tr>
            <td><a href=${`#/clusters/${encodeURIComponent(cluster.clusterName ?? '')}`}>${cluster.clusterName}</a></td>
            <td>${cluster.status}</td>
            <td>${cluster.registeredContainerInstancesCount}</td>
            <td>${cluster.runningTasksCount}</td>
            <td>${cluster.pendingTasksCount}</td>
            <td>${cluster.activeServicesCount}</td>
            <td>${(cluster.capacityProviders ?? []).join(', ') || '—'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
};

const resource = (list: ContainerInstance['registeredResources'], name: string): number =>
  list?.find((item) => item.name === name)?.integerValue ?? 0;

/** Used of total as a bar, with the figures in text (colour is never the only signal). */
const Bar = ({ label, used, total }: { label: string; used: number; total: number }) =>
  html`<div class="bar">
    <span>${label} ${used} / ${total}</span>
    <meter min="0" max=${total} value=${used} aria-label=${`${label} used`}></meter>
  </div>`;

const exitCodes = (task: Task): string =>
  (task.containers ?? [])
    .filter((container) => container.exitCode !== undefined)
    .map((container) => `${container.name}: ${container.exitCode}`)
    .join(', ');

const ClusterPage = ({ client, name, live }: { client: Api; name: string; live: number }) => {
  const [instances, setInstances] = useState<ContainerInstance[]>([]);
  const [tasks, setTasks] = useState<Task[]>([]);
  const [families, setFamilies] = useState<string[]>([]);
  const [series, setSeries] = useState<Record<string, Point[]>>({});
  const [error, setError] = useState<string>();
  // `live` changes with every event of this cluster (or refresh tick): read again.
  const { readError, reread } = useLiveRead(
    () =>
      Promise.all([
        Promise.all([client.instances(name), client.tasks(name)]).then(
          ([nextInstances, nextTasks]) => {
            setInstances(nextInstances);
            setTasks(nextTasks);
          },
        ),
        // Through Berth's CloudWatch endpoint (on AWS it reads CloudWatch, Berth's namespace only).
        client.utilization(name).then(setSeries, () => setSeries({})),
      ]),
    [client, name, live],
  );
  useEffect(() => {
    client.families().then(setFamilies, (caught) => setError(errorText(caught)));
  }, [client]);
  const act = (action: () => Promise<unknown>) => {
    setError(undefined);
    action().then(reread, (caught) => setError(errorText(caught)));
  };
  const [filter, setFilter] = useState({ family: '', service: '', desired: '', last: '' });
  const setFilterField = (field: keyof typeof filter) => (event: Event) =>
    setFilter({ ...filter, [field]: (event.target as HTMLInputElement).value });
  const serviceOf = (task: Task) => (task.group?.startsWith('service:') ? task.group.slice(8) : '');
  const shown = tasks.filter(
    (task) =>
      (filter.family === '' ||
        (task.taskDefinitionArn ?? '').split('/').at(-1)?.includes(filter.family)) &&
      (filter.service === '' || serviceOf(task) === filter.service) &&
      (filter.desired === '' || task.desiredStatus === filter.desired) &&
      (filter.last === '' || task.lastStatus === filter.last),
  );
  const taskServices = [
    ...new Set(tasks.map(serviceOf).filter((service) => service !== '')),
  ].sort();
  const run = (event: Event) => {
    event.preventDefault();
    const family = String(new FormData(event.target as HTMLFormElement).get('family') ?? '');
    act(() => client.runTask(name, family));
  };
  return html`<section aria-labelledby="cluster-title">
    <p><a href="#/clusters">All clusters</a></p>
    <h2 id="cluster-title">Cluster ${name}</h2>
    ${alerts(error, readError)}
    <h3>Container instances</h3>
    <table>
      <thead><tr><th>Instance</th><th>Status</th><th>Agent</th><th>CPU</th><th>Memory</th><th>Tasks</th><th>Attributes</th><th></th></tr></thead>
      <tbody>
        ${instances.map((instance) => {
          const id = instance.containerInstanceArn?.split('/').at(-1) ?? '';
          const totalCpu = resource(instance.registeredResources, 'CPU');
          const totalMemory = resource(instance.registeredResources, 'MEMORY');
          return html`<tr data-instance=${id}>
            <td><code>${id.slice(0, 12)}</code></td>
            <td>${instance.status}</td>
            <td>${instance.agentConnected ? 'connected' : 'not connected'}</td>
            <td><${Bar} label="CPU" used=${totalCpu - resource(instance.remainingResources, 'CPU')} total=${totalCpu} /></td>
            <td><${Bar} label="MiB" used=${totalMemory - resource(instance.remainingResources, 'MEMORY')} total=${totalMemory} /></td>
            <td>${instance.runningTasksCount} running, ${instance.pendingTasksCount} pending</td>
            <td class="attributes">
              <details>
                <summary>${(instance.attributes ?? []).length} attributes</summary>
                <ul>
                  ${(instance.attributes ?? []).map(
                    (attribute) =>
                      html`<li><code>${attribute.name}${attribute.value === undefined ? '' : `=${attribute.value}`}</code></li>`,
                  )}
                </ul>
              </details>
            </td>
            <td>${
              instance.status === 'ACTIVE'
                ? html`<button onClick=${() => act(() => client.drain(name, instance.containerInstanceArn ?? ''))}>Drain</button>`
                : null
            }</td>
          </tr>`;
        })}
      </tbody>
    </table>
    <${CapacityProvidersSection} client=${client} cluster=${name} live=${live} />
    <${ServicesSection} client=${client} cluster=${name} families=${families} live=${live} />
    <h3>Utilization</h3>
    <${UtilizationChart} series=${series} title=${`Cluster ${name}: CPU and memory utilization`} />
    <h3>Tasks</h3>
    <form onSubmit=${run} class="run" aria-label="Run a task">
      <label>Task definition
        <select name="family" required>
          ${families.map((family) => html`<option value=${family}>${family}</option>`)}
        </select>
      </label>
      <button type="submit">Run task</button>
    </form>
    <form class="inline filters" aria-label="Filter tasks" onSubmit=${(event: Event) => event.preventDefault()}>
      <label>Family <input name="family" value=${filter.family} onInput=${setFilterField('family')} /></label>
      <label>Service
        <select name="service" onChange=${setFilterField('service')}>
          <option value="">Any</option>
          ${taskServices.map((service) => html`<option value=${service}>${service}</option>`)}
        </select>
      </label>
      <label>Desired status
        <select name="desired" onChange=${setFilterField('desired')}>
          <option value="">Any</option><option>RUNNING</option><option>STOPPED</option>
        </select>
      </label>
      <label>Last status
        <select name="last" onChange=${setFilterField('last')}>
          <option value="">Any</option>
          ${TASK_STATUSES.map((status) => html`<option>${status}</option>`)}
        </select>
      </label>
    </form>
    <table>
      <thead><tr><th>Task</th><th>Definition</th><th>Last status</th><th>Desired</th><th>Exit codes</th><th>Stopped reason</th><th></th></tr></thead>
      <tbody>
        ${shown.map((task) => {
          const id = task.taskArn?.split('/').at(-1) ?? '';
          return html`<tr data-task=${id}>
            <td><a href=${`#/clusters/${encodeURIComponent(name)}/tasks/${id}`}><code>${id.slice(0, 12)}</code></a></td>
            <td>${task.taskDefinitionArn?.split('/').at(-1)}</td>
            <td class="status">${task.lastStatus}</td>
            <td>${task.desiredStatus}</td>
            <td class="exit">${exitCodes(task)}</td>
            <td>${task.stoppedReason ?? ''}</td>
            <td>${
              task.desiredStatus === 'RUNNING'
                ? html`<button onClick=${() => act(() => client.stopTask(name, task.taskArn ?? ''))}>Stop</button>`
                : null
            }</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </section>`;
};

const liveText = (state: Live, refreshSeconds: number): string =>
  ({
    connecting: 'Connecting to the events stream…',
    live: 'Live: pages follow the events stream',
    cut: 'The events stream is cut; reconnecting…',
    refreshing: `No events stream here: pages refresh every ${refreshSeconds} s while shown`,
  })[state];

const App = ({ config }: { config: ConsoleConfig }) => {
  const [credentials, setCredentials] = useState<Credentials | undefined>(savedCredentials);
  const [route, setRoute] = useState<Route>(readRoute);
  const cluster = route.cluster;
  const [live, setLive] = useState(0);
  useEffect(() => {
    const onHash = () => setRoute(readRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const [taskEvents, setTaskEvents] = useState<TaskEvent[]>([]);
  const onEvent = useCallback(
    (event: StreamEvent) => {
      const arn = event.detail?.clusterArn ?? '';
      if (cluster === undefined || arn.endsWith(`:cluster/${cluster}`)) setLive((n) => n + 1);
      const detail = event.detail;
      if (event['detail-type'] === 'ECS Task State Change' && detail?.taskArn) {
        // The last 500 task changes seen, for the task pages' timelines.
        const change: TaskEvent = {
          at: new Date(event.time ?? Date.now()),
          taskArn: detail.taskArn,
          lastStatus: detail.lastStatus ?? '',
          desiredStatus: detail.desiredStatus ?? '',
        };
        setTaskEvents((seen) => [...seen.slice(-499), change]);
      }
    },
    [cluster],
  );
  const stream = useEvents(credentials ? config.eventsUrl : undefined, onEvent);
  const refreshSeconds = config.refreshSeconds ?? 15;
  const refresh = useCallback(() => setLive((n) => n + 1), []);
  useRefresh(credentials !== undefined && stream === 'refreshing', refreshSeconds, refresh);
  const client = useMemo(
    () => (credentials ? api(credentials, config.metricsNamespace) : undefined),
    [credentials, config.metricsNamespace],
  );
  if (!credentials || !client) {
    return html`<${Login} region=${config.region} onLogin=${setCredentials} />`;
  }
  const signOut = () => {
    sessionStorage.removeItem(CREDENTIALS_KEY);
    setCredentials(undefined);
  };
  return html`<div>
    <header>
      <strong>Berth</strong>
      <nav aria-label="Main"><a href="#/clusters">Clusters</a> <a href="#/usage">Usage</a></nav>
      <span role="status" class=${`live ${stream}`}>${liveText(stream, refreshSeconds)}</span>
      <button onClick=${signOut}>Sign out</button>
    </header>
    <main>
      ${
        route.usage
          ? html`<${UsagePage} credentials=${credentials} />`
          : cluster && route.task
            ? html`<${TaskPage} key=${`${cluster}/${route.task}`} client=${client} cluster=${cluster} id=${route.task} live=${live} events=${taskEvents} />`
            : cluster && route.service
              ? html`<${ServicePage} key=${`${cluster}/${route.service}`} client=${client} cluster=${cluster} name=${route.service} live=${live} />`
              : cluster
                ? html`<${ClusterPage} key=${cluster} client=${client} name=${cluster} live=${live} />`
                : html`<${Clusters} client=${client} live=${live} />`
      }
    </main>
  </div>`;
};

const start = async () => {
  const config = (await (await fetch('/console/config.json')).json()) as ConsoleConfig;
  const root = document.getElementById('app');
  if (root) render(html`<${App} config=${config} />`, root);
};

void start();
