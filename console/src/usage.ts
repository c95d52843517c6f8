import { useEffect, useState } from 'preact/hooks';
import { signedFetch } from '../../local/signedFetch';
import type { Credentials } from './api';
import { alerts, html } from './view';

/**
 * Metered usage and cost of FARGATE tasks (Berth's GetUsageReport, the same
 * report `npm run usage` prints), as a table and a bar chart. No AWS SDK
 * client knows Berth's own operation, so it goes through `signedFetch`, as
 * `npm run usage` sends it (signing name `berth`).
 */

interface UsageRow {
  readonly cluster: string;
  readonly serviceName?: string;
  readonly family?: string;
  readonly taskId?: string;
  readonly tasks: number;
  readonly vcpuHours: number;
  readonly gbHours: number;
  readonly total: number;
}

interface UsageReport {
  readonly rows: UsageRow[];
  readonly total: UsageRow;
}

const GROUPINGS = ['service', 'cluster', 'family', 'task'] as const;
const RANGES: Record<string, number> = {
  '1 hour': 3_600_000,
  '24 hours': 86_400_000,
  '7 days': 604_800_000,
};

const usageReport = async (
  credentials: Credentials,
  groupBy: string,
  sinceMs: number,
): Promise<UsageReport> => {
  const end = Date.now();
  const response = await signedFetch(
    `${window.location.origin}/`,
    {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Berth_20261201.GetUsageReport',
      },
      body: JSON.stringify({ startTime: (end - sinceMs) / 1000, endTime: end / 1000, groupBy }),
    },
    { service: 'berth', region: credentials.region, credentials },
  );
  const answer = (await response.json()) as UsageReport & { __type?: string; message?: string };
  if (!response.ok) throw new Error(`${answer.__type ?? response.status}: ${answer.message ?? ''}`);
  return answer;
};

const label = (row: UsageRow): string => row.taskId ?? row.serviceName ?? row.family ?? row.cluster;

const UsagePage = ({ credentials }: { credentials: Credentials }) => {
  const [groupBy, setGroupBy] = useState<string>('service');
  const [range, setRange] = useState<string>('24 hours');
  const [report, setReport] = useState<UsageReport>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    usageReport(credentials, groupBy, RANGES[range] ?? 86_400_000).then(
      setReport,
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, [credentials, groupBy, range]);
  const highest = Math.max(0.000001, ...(report?.rows ?? []).map((row) => row.total));
  return html`<section aria-labelledby="usage-title">
    <p><a href="#/clusters">All clusters</a></p>
    <h2 id="usage-title">Usage and cost (FARGATE)</h2>
    ${alerts(error)}
    <form class="inline" aria-label="Usage report" onSubmit=${(event: Event) => event.preventDefault()}>
      <label>Group by
        <select onChange=${(event: Event) => setGroupBy((event.target as HTMLSelectElement).value)}>
          ${GROUPINGS.map((grouping) => html`<option selected=${grouping === groupBy}>${grouping}</option>`)}
        </select>
      </label>
      <label>Over the last
        <select onChange=${(event: Event) => setRange((event.target as HTMLSelectElement).value)}>
          ${Object.keys(RANGES).map((name) => html`<option selected=${name === range}>${name}</option>`)}
        </select>
      </label>
    </form>
    <figure class="chart usage-chart" aria-label="Cost per group">
      ${(report?.rows ?? []).map(
        (row) => html`<div class="bar">
          <span>${label(row)}: $${row.total.toFixed(4)}</span>
          <meter min="0" max=${highest} value=${row.total} aria-label=${`${label(row)} cost`}></meter>
        </div>`,
      )}
    </figure>
    <table>
      <thead><tr><th>${groupBy}</th><th>Cluster</th><th>Tasks</th><th>vCPU-hours</th><th>GB-hours</th><th>Cost (USD)</th></tr></thead>
      <tbody>
        ${(report?.rows ?? []).map(
          (row) => html`<tr data-usage=${label(row)}>
            <td>${label(row)}</td>
            <td>${row.cluster}</td>
            <td>${row.tasks}</td>
            <td>${row.vcpuHours.toFixed(4)}</td>
            <td>${row.gbHours.toFixed(4)}</td>
            <td>${row.total.toFixed(4)}</td>
          </tr>`,
        )}
        ${
          report
            ? html`<tr class="total"><td>Total</td><td></td><td>${report.total.tasks}</td><td>${report.total.vcpuHours.toFixed(4)}</td><td>${report.total.gbHours.toFixed(4)}</td><td>${report.total.total.toFixed(4)}</td></tr>`
            : null
        }
      </tbody>
    </table>
  </section>`;
};

export { UsagePage };
