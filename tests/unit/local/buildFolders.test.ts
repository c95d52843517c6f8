import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimBuildFolder, removeAbandonedBuildFolders } from '../../../local/buildFolders';

describe('the stacks’ build folders', () => {
  let berthDir: string;
  beforeEach(() => {
    berthDir = mkdtempSync(join(tmpdir(), 'berth-build-'));
  });
  afterEach(() => rmSync(berthDir, { recursive: true, force: true }));

  const folder = (name: string, owner?: number, ageMs = 0) => {
    const path = join(berthDir, name);
    mkdirSync(join(path, '.build'), { recursive: true });
    if (owner !== undefined) writeFileSync(`${path}.pid`, String(owner));
    const at = new Date(Date.now() - ageMs);
    utimesSync(path, at, at);
    return path;
  };

  it('removes those whose stack is gone and keeps those of running stacks', () => {
    // Prepare
    const dead = spawnSync('true').pid;
    const mine = folder('esbuild-3000', process.pid);
    const gone = folder('esbuild-3100', dead);
    const oldUnowned = folder('esbuild-3200', undefined, 60 * 60_000);
    const newUnowned = folder('esbuild-3300');
    const other = folder('agent-docker');

    // Act
    const removed = removeAbandonedBuildFolders(berthDir);

    // Assert
    expect(removed).toBe(2);
    expect([mine, gone, oldUnowned, newUnowned, other].map((path) => existsSync(path))).toEqual([
      true,
      false,
      false,
      true,
      true,
    ]);
    expect(existsSync(`${gone}.pid`)).toBe(false);
  });

  it('claims a folder for this process and gives it back', () => {
    const claim = claimBuildFolder(berthDir, 4000);
    mkdirSync(join(claim.folder, '.build'), { recursive: true });
    expect(removeAbandonedBuildFolders(berthDir)).toBe(0);
    claim.release();
    expect(existsSync(claim.folder)).toBe(false);
    expect(existsSync(`${claim.folder}.pid`)).toBe(false);
  });
});
