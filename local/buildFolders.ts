import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * serverless-esbuild's work folder for each running stack
 * (`.berth/esbuild-<http port>`): serverless-esbuild removes it only on a
 * clean exit, and the stack stops serverless-offline with a signal, so every
 * stopped stack used to leave its ~20 MB behind. Each folder now has an
 * owner file (`esbuild-<port>.pid`, the stack's pid): the stack removes its
 * own folder when it stops, and at start removes those whose owner is gone
 * (another stack that is still running keeps its own).
 */

const PREFIX = 'esbuild-';
/** A folder left by a version without owner files is taken as abandoned after this. */
const UNOWNED_AGE_MS = 10 * 60_000;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const ownerOf = (pidFile: string): number | undefined => {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

/** Removes the work folders of stacks that are no longer running; returns how many. */
const removeAbandonedBuildFolders = (berthDir: string, now = Date.now()): number => {
  if (!existsSync(berthDir)) return 0;
  let removed = 0;
  for (const name of readdirSync(berthDir)) {
    if (!name.startsWith(PREFIX) || name.endsWith('.pid')) continue;
    const folder = join(berthDir, name);
    const pidFile = `${folder}.pid`;
    const owner = ownerOf(pidFile);
    const abandoned =
      owner === undefined ? now - statSync(folder).mtimeMs > UNOWNED_AGE_MS : !alive(owner);
    if (!abandoned) continue;
    rmSync(folder, { recursive: true, force: true });
    rmSync(pidFile, { force: true });
    removed += 1;
  }
  return removed;
};

/** Claims `.berth/esbuild-<port>` for this process; the returned function gives it back. */
const claimBuildFolder = (berthDir: string, port: number): { folder: string; release(): void } => {
  mkdirSync(berthDir, { recursive: true });
  const folder = join(berthDir, `${PREFIX}${port}`);
  writeFileSync(`${folder}.pid`, String(process.pid));
  return {
    folder,
    release: () => {
      rmSync(folder, { recursive: true, force: true });
      rmSync(`${folder}.pid`, { force: true });
    },
  };
};

export { claimBuildFolder, removeAbandonedBuildFolders };
