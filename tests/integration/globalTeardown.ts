import type { StackProcess } from '../../local/harness';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { berthStack?: StackProcess }).berthStack;
  await stack?.stop();
}
