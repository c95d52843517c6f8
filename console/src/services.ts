import type { ScalingActivity, ScalingPolicy } from '@aws-sdk/client-application-auto-scaling';
import type { Service } from '@aws-sdk/client-ecs';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { Api, Point } from './api';
import { useLiveRead } from './liveRead';
import { alerts, errorText, html } from './view';

/**
 * A cluster's services (desired, running and pending counts, the primary
 * deployment's progress, create and update), and one service's page: its
 * deployments as progress bars, its events, its scaling policies and
 * activities, and its CPU and memory utilization as a chart.
 */

/** A deployment's running count of its desired count, as a bar with the figures and state in text. */
const Progress = ({
  running,
  desired,
  state,
}: {
  running: number;
  desired: number;
  state: string;
}) =>
  html`<div class="bar deployment">
    <span>${state}: ${running} of ${desired} running</span>
    <progress max=${Math.max(desired, 1)} value=${desired === 0 ? 1 : running} aria-label=${`${state}, ${running} of ${desired} running`}></progress>
  </div>`;

const ServicesSection = ({
  client,
  cluster,
  families,
  live,
}: {
  client: Api;
  cluster: string;
  families: string[];
  live: number;
}) => {
  const [services, setServices] = useState<Service[]>([]);
  const [error, setError] = useState<string>();
  const { readError, reread } = useLiveRead(
    () => client.services(cluster).then(setServices),
    [client, cluster, live],
  );
  const act = (action: () => Promise<unknown>) => {
    setError(undefined);
    action().then(reread, (caught) => setError(errorText(caught)));
  };
  const create = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    act(() =>
      client.createService(
        cluster,
        String(form.get('serviceName') ?? ''),
        String(form.get('family') ?? ''),
        Number(form.get('desiredCount') ?? 0),
      ),
    );
  };
  const update = (service: string) => (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const family = String(form.get('family') ?? '');
    act(() =>
      client.updateService(cluster, service, {
        desiredCount: Number(form.get('desiredCount') ?? 0),
        ...(family ? { taskDefinition: family } : {}),
      }),
    );
  };
  return html`<section aria-labelledby="services-title">
    <h3 id="services-title">Services</h3>
    ${alerts(error, readError)}
    <table>
      <thead><tr><th>Service</th><th>Task definition</th><th>Desired</th><th>Running</th><th>Pending</th><th>Deployment</th><th>Change</th></tr></thead>
      <tbody>
        ${services.map((service) => {
          const primary = service.deployments?.find(
            (deployment) => deployment.status === 'PRIMARY',
          );
          return html`<tr data-service=${service.serviceName}>
            <td><a href=${`#/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service.serviceName ?? '')}`}>${service.serviceName}</a></td>
            <td>${service.taskDefinition?.split('/').at(-1)}</td>
            <td>${service.desiredCount}</td>
            <td>${service.runningCount}</td>
            <td>${service.pendingCount}</td>
            <td>${
              primary
                ? html`<${Progress} running=${primary.runningCount ?? 0} desired=${primary.desiredCount ?? 0} state=${primary.rolloutState ?? ''} />`
                : null
            }</td>
            <td>
              <form class="inline" onSubmit=${update(service.serviceName ?? '')} aria-label=${`Update ${service.serviceName}`}>
                <label>Desired count <input name="desiredCount" type="number" min="0" value=${service.desiredCount} /></label>
                <label>Task definition
                  <select name="family">
                    <option value="">(unchanged)</option>
                    ${families.map((family) => html`<option value=${family}>${family}</option>`)}
                  </select>
                </label>
                <button type="submit">Update</button>
              </form>
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
    <form class="run" onSubmit=${create} aria-label="Create a service">
      <label>Service name <input name="serviceName" required /></label>
      <label>Task definition
        <select name="family" required>
          ${families.map((family) => html`<option value=${family}>${family}</option>`)}
        </select>
      </label>
      <label>Desired count <input name="desiredCount" type="number" min="0" value="1" /></label>
      <button type="submit">Create service</button>
    </form>
  </section>`;
};

/** CPU and memory utilization over the last hour, one line each (uPlot). */
const UtilizationChart = ({
  series,
  title,
}: {
  series: Record<string, Point[]>;
  title: string;
}) => {
  const holder = useRef<HTMLDivElement>(null);
  const names = Object.keys(series);
  const times = [
    ...new Set(names.flatMap((name) => (series[name] ?? []).map((point) => point.at))),
  ].sort((a, b) => a - b);
  const points = names.reduce((sum, name) => sum + (series[name]?.length ?? 0), 0);
  useEffect(() => {
    const element = holder.current;
    if (!element || times.length === 0) return undefined;
    const data: uPlot.AlignedData = [
      times.map((at) => at / 1000),
      ...names.map((name) => {
        const byTime = new Map((series[name] ?? []).map((point) => [point.at, point.value]));
        return times.map((at) => byTime.get(at) ?? null);
      }),
    ];
    const chart = new uPlot(
      {
        title,
        width: Math.min(element.clientWidth || 800, 900),
        height: 240,
        // The last hour, whatever the points: one point alone would stretch the axis to years.
        scales: {
          x: { time: true, range: () => [Date.now() / 1000 - 3600, Date.now() / 1000] },
          y: { range: [0, 100] },
        },
        series: [
          {},
          ...names.map((name, index) => ({
            label: `${name} (%)`,
            stroke: index === 0 ? '#0550ae' : '#bc4c00',
            // Dashes tell the lines apart without colour.
            dash: index === 0 ? [] : [6, 4],
            points: { show: true },
          })),
        ],
      },
      data,
      element,
    );
    return () => chart.destroy();
  }, [series, title]);
  return html`<figure class="chart">
    <div ref=${holder} role="img" aria-label=${`${title}: ${points} points`} data-points=${points}></div>
    ${times.length === 0 ? html`<figcaption>No datapoints in the last hour yet.</figcaption>` : null}
  </figure>`;
};

const ServicePage = ({
  client,
  cluster,
  name,
  live,
}: {
  client: Api;
  cluster: string;
  name: string;
  live: number;
}) => {
  const [service, setService] = useState<Service>();
  const [policies, setPolicies] = useState<ScalingPolicy[]>([]);
  const [activities, setActivities] = useState<ScalingActivity[]>([]);
  const [series, setSeries] = useState<Record<string, Point[]>>({});
  const { readError: error } = useLiveRead(
    () =>
      Promise.all([
        client
          .services(cluster)
          .then((services) =>
            setService(services.find((candidate) => candidate.serviceName === name)),
          ),
        client.scaling(cluster, name).then((scaling) => {
          setPolicies(scaling.policies);
          setActivities(scaling.activities);
        }),
        client.utilization(cluster, name).then(setSeries),
      ]),
    [client, cluster, name, live],
  );
  return html`<section aria-labelledby="service-title">
    <p><a href=${`#/clusters/${encodeURIComponent(cluster)}`}>Cluster ${cluster}</a></p>
    <h2 id="service-title">Service ${name}</h2>
    ${alerts(error)}
    ${
      service
        ? html`<p>${service.desiredCount} desired, ${service.runningCount} running, ${service.pendingCount} pending · ${service.taskDefinition?.split('/').at(-1)}</p>`
        : null
    }
    <h3>Deployments</h3>
    <table>
      <thead><tr><th>Deployment</th><th>Status</th><th>Task definition</th><th>Progress</th></tr></thead>
      <tbody>
        ${(service?.deployments ?? []).map(
          (deployment) => html`<tr data-deployment=${deployment.id}>
            <td><code>${deployment.id}</code></td>
            <td>${deployment.status}</td>
            <td>${deployment.taskDefinition?.split('/').at(-1)}</td>
            <td><${Progress} running=${deployment.runningCount ?? 0} desired=${deployment.desiredCount ?? 0} state=${deployment.rolloutState ?? ''} /></td>
          </tr>`,
        )}
      </tbody>
    </table>
    <h3>Utilization</h3>
    <${UtilizationChart} series=${series} title=${`Service ${name}: CPU and memory utilization`} />
    <h3>Scaling</h3>
    ${
      policies.length === 0
        ? html`<p>No scaling policies.</p>`
        : html`<ul>${policies.map((policy) => html`<li>${policy.PolicyName} (${policy.PolicyType})</li>`)}</ul>`
    }
    <table>
      <thead><tr><th>When</th><th>Activity</th><th>Status</th></tr></thead>
      <tbody>
        ${activities.slice(0, 10).map(
          (activity) => html`<tr>
            <td>${activity.StartTime?.toISOString()}</td>
            <td>${activity.Description}</td>
            <td>${activity.StatusCode}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <h3>Events</h3>
    <ul class="events">
      ${(service?.events ?? [])
        .slice(0, 10)
        .map(
          (event) => html`<li><time>${event.createdAt?.toISOString()}</time> ${event.message}</li>`,
        )}
    </ul>
  </section>`;
};

export { ServicePage, ServicesSection, UtilizationChart };
