import type { StackProcess } from '../../local/harness';
import type { PodmanService } from '../../local/podman';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { berthStack?: StackProcess }).berthStack;
  await stack?.stop();
  await (globalThis as { berthPodman?: PodmanService }).berthPodman?.stop();
}
