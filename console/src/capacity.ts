import type { CapacityProvider, CapacityProviderStrategyItem } from '@aws-sdk/client-ecs';
import { useState } from 'preact/hooks';
import type { Api } from './api';
import { useLiveRead } from './liveRead';
import { alerts, html } from './view';

/**
 * A cluster's capacity providers: Fargate's, or a pool of Berth's own with
 * ECS's managed scaling (its target and steps) and the pool's bounds and
 * instance size (read from its `berth:` tags), with the weight and base the
 * cluster's default strategy gives each.
 */

const tag = (provider: CapacityProvider, key: string): string | undefined =>
  provider.tags?.find((item) => item.key === key)?.value;

/** What stands behind a provider, in words. */
const kind = (provider: CapacityProvider): string => {
  const group = provider.autoScalingGroupProvider;
  if (!group) return 'Fargate';
  const size = `${tag(provider, 'berth:instance-cpu') ?? '2048'} CPU, ${tag(provider, 'berth:instance-memory') ?? '4096'} MiB`;
  const bounds = `${tag(provider, 'berth:min-size') ?? '0'}–${tag(provider, 'berth:max-size') ?? '10'} instances`;
  return `Pool ${group.autoScalingGroupArn?.split('/').at(-1) ?? ''}: ${bounds} of ${size}`;
};

const scalingText = (provider: CapacityProvider): string => {
  const scaling = provider.autoScalingGroupProvider?.managedScaling;
  if (!scaling) return '—';
  if (scaling.status !== 'ENABLED') return 'DISABLED';
  return `ENABLED: target ${scaling.targetCapacity}%, steps ${scaling.minimumScalingStepSize}–${scaling.maximumScalingStepSize}`;
};

const strategyText = (
  strategy: readonly CapacityProviderStrategyItem[],
  name: string | undefined,
): string => {
  const item = strategy.find((entry) => entry.capacityProvider === name);
  return item ? `weight ${item.weight ?? 0}, base ${item.base ?? 0}` : '—';
};

const CapacityProvidersSection = ({
  client,
  cluster,
  live,
}: {
  client: Api;
  cluster: string;
  live: number;
}) => {
  const [capacity, setCapacity] = useState<{
    providers: CapacityProvider[];
    strategy: CapacityProviderStrategyItem[];
  }>({ providers: [], strategy: [] });
  const { readError } = useLiveRead(
    () => client.capacity(cluster).then(setCapacity),
    [client, cluster, live],
  );
  return html`<h3>Capacity providers</h3>
    ${alerts(readError)}
    ${
      capacity.providers.length === 0
        ? html`<p>None: tasks are placed on the cluster's registered instances.</p>`
        : html`<table>
      <thead><tr><th>Provider</th><th>Status</th><th>Capacity</th><th>Managed scaling</th><th>Termination protection</th><th>Default strategy</th></tr></thead>
      <tbody>
        ${capacity.providers.map(
          (provider) => html`<tr data-provider=${provider.name}>
            <td>${provider.name}</td>
            <td>${provider.status}</td>
            <td>${kind(provider)}</td>
            <td>${scalingText(provider)}</td>
            <td>${provider.autoScalingGroupProvider?.managedTerminationProtection ?? '—'}</td>
            <td>${strategyText(capacity.strategy, provider.name)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`
    }`;
};

export { CapacityProvidersSection };
