import { rmSync } from 'node:fs';
import { importTimeMs, packageService, unpack, zipEntries } from '../local/packaging';
import { noter, print } from './shared';

/**
 * Cold start on AWS (issue 11): `osls package`, then for each function the
 * zipped size (`coldstart.<function>_kb`) and the median time to import its
 * handler module in a fresh Node process over RUNS runs
 * (`coldstart.<function>_init_ms`). Goal: ≤ 300 KB and ≤ 150 ms each.
 */

/** Imports per function; their median is the figure (this machine varies by a fifth from minute to minute). */
const RUNS = 11;

const benchColdStart = async (): Promise<void> => {
  const note = noter('coldstart');
  const { directory, functions } = await packageService();
  try {
    for (const artifact of functions) {
      const modules = zipEntries(artifact.zipPath).filter((entry) => entry.endsWith('.js'));
      const [moduleFile] = modules;
      if (modules.length !== 1 || moduleFile === undefined) {
        note(`${artifact.name}: expected one module in its zip, found ${modules.join(', ')}`);
        continue;
      }
      const unpacked = unpack(artifact.zipPath);
      try {
        importTimeMs(unpacked, moduleFile); // the file system's cache, as Lambda's would be warm for the zip
        const times = Array.from({ length: RUNS }, () => importTimeMs(unpacked, moduleFile)).sort(
          (a, b) => a - b,
        );
        print(`coldstart.${artifact.name}_kb`, artifact.zipBytes / 1024, 'KB');
        print(
          `coldstart.${artifact.name}_init_ms`,
          times[Math.floor(RUNS / 2)] ?? Number.NaN,
          'ms',
        );
      } finally {
        rmSync(unpacked, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
};

export { benchColdStart };
