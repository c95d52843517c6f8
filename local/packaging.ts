import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * `osls package` into a fresh folder, and each function's artifact in it:
 * what `npm run bench -- coldstart` measures and the package test keeps in
 * bounds (ADR 7).
 */

const ROOT = resolve(__dirname, '..');

interface FunctionArtifact {
  /** The function's name in serverless.yml, e.g. `api`. */
  readonly name: string;
  readonly zipPath: string;
  readonly zipBytes: number;
}

/** Packages the service (stage `ci`, nothing deployed) and lists each function's zip. */
const packageService = async (): Promise<{ directory: string; functions: FunctionArtifact[] }> => {
  const directory = mkdtempSync(join(tmpdir(), 'berth-package-'));
  await promisify(execFile)(
    join(ROOT, 'node_modules', '.bin', 'osls'),
    ['package', '--stage', 'ci', '--package', directory],
    { cwd: ROOT, env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' } },
  );
  const functions = readdirSync(directory)
    .filter((file) => file.endsWith('.zip'))
    .sort()
    .map((file) => {
      const zipPath = join(directory, file);
      return { name: file.slice(0, -'.zip'.length), zipPath, zipBytes: statSync(zipPath).size };
    });
  return { directory, functions };
};

/** The files in a zip, with `unzip -Z1`. */
const zipEntries = (zipPath: string): string[] =>
  execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'));

/** Unpacks a zip into a fresh folder, as Lambda does into /var/task. */
const unpack = (zipPath: string): string => {
  const directory = mkdtempSync(join(tmpdir(), 'berth-unpacked-'));
  execFileSync('unzip', ['-q', zipPath, '-d', directory]);
  return directory;
};

/**
 * Milliseconds to `require` the handler module in a fresh Node process (what
 * a Lambda cold start spends loading the code before the first request).
 */
const importTimeMs = (directory: string, moduleFile: string): number => {
  const script = `const t = performance.now(); require(${JSON.stringify(join(directory, moduleFile))}); process.stdout.write(String(performance.now() - t));`;
  return Number(
    execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    }),
  );
};

export type { FunctionArtifact };
export { importTimeMs, packageService, unpack, zipEntries };
