import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { spawnTied } from './processes';

/**
 * Real containers on this machine without Docker: Podman's Docker-API
 * service (`podman system service`), for the agent's `--runtime docker`, the
 * local stack and the integration tests (../shared/reference/local-stack.md,
 * "Real containers (Podman)").
 *
 * - A containers.conf in the data folder (through CONTAINERS_CONF, for every
 *   podman this starts) with the ulimits and the `runc` runtime this kernel
 *   needs: without them every container fails to start.
 * - No registry is reachable, so the one image the tests use,
 *   `localhost/berth-busybox:latest`, is built from the host's busybox-static
 *   once (`podman image exists` decides; it stays in Podman's storage).
 * - The service runs as a child tied to the caller's life (local/processes.ts):
 *   it cannot outlive the stack or the test run. Containers it started do
 *   (they run under conmon), as with a Docker daemon.
 */

const BUSYBOX_IMAGE = 'localhost/berth-busybox:latest';

const CONTAINERS_CONF = `# Written by berth (local/podman.ts).
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
`;

interface PodmanService {
  /** The Docker-API socket: \`--docker-socket <socketPath>\`. */
  readonly socketPath: string;
  /** The containers.conf the service runs with (CONTAINERS_CONF). */
  readonly containersConf: string;
  /** Stops the service (containers keep running). */
  stop(): Promise<void>;
}

interface PreparePodmanOptions {
  /** Where containers.conf, the socket and the image build go. */
  readonly dataDir: string;
  readonly log?: (line: string) => void;
  /** How long the service may take to answer; 20 s. */
  readonly timeoutMs?: number;
}

const podmanInstalled = (): boolean => {
  const probe = spawnSync('podman', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
};

const run = (command: string, args: string[], env: NodeJS.ProcessEnv): string => {
  const result = spawnSync(command, args, { env, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
};

/** `/bin/busybox`, or where the busybox-static package put it. */
const busyboxBinary = (): string => {
  if (existsSync('/bin/busybox')) return '/bin/busybox';
  const listed = spawnSync('dpkg', ['-L', 'busybox-static'], { encoding: 'utf8' });
  const path = (listed.stdout ?? '')
    .split('\n')
    .find((line) => /\/bin\/busybox$/.test(line) && existsSync(line));
  if (!path) {
    throw new Error('busybox-static is not installed (apt-get install -y busybox-static)');
  }
  return path;
};

/**
 * Builds `localhost/berth-busybox:latest`: a root file system holding the
 * static busybox and a link per applet, imported with `CMD ["/bin/sh"]`.
 */
const buildBusyboxImage = (
  workDir: string,
  env: NodeJS.ProcessEnv,
  image: string = BUSYBOX_IMAGE,
): void => {
  const build = mkdtempSync(join(workDir, 'busybox-'));
  try {
    const rootfs = join(build, 'rootfs');
    for (const folder of ['bin', 'tmp', 'etc', 'proc', 'sys', 'dev']) {
      mkdirSync(join(rootfs, folder), { recursive: true });
    }
    const busybox = busyboxBinary();
    copyFileSync(busybox, join(rootfs, 'bin', 'busybox'));
    spawnSync('chmod', ['0755', join(rootfs, 'bin', 'busybox')]);
    const applets = run(busybox, ['--list'], env)
      .split('\n')
      .map((line) => line.trim())
      .filter((name) => /^[A-Za-z0-9_.[-]+$/.test(name) && name !== 'busybox');
    for (const applet of applets) symlinkSync('busybox', join(rootfs, 'bin', applet));
    writeFileSync(
      join(rootfs, 'etc', 'passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
    );
    writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    const tarball = join(build, 'rootfs.tar');
    run('tar', ['-C', rootfs, '-cf', tarball, '.'], env);
    run('podman', ['import', '--change', 'CMD ["/bin/sh"]', tarball, image], env);
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
};

/** Whether the Docker API on `socketPath` answers `GET /_ping`. */
const pingSocket = (socketPath: string, timeoutMs = 1_000): Promise<boolean> =>
  new Promise((resolve) => {
    const req = request(
      { socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode === 200));
      },
    );
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });

/**
 * Makes Podman ready for real containers and starts its Docker-API service
 * on `<dataDir>/podman.sock`. Undefined when podman is not installed.
 */
const preparePodman = async (options: PreparePodmanOptions): Promise<PodmanService | undefined> => {
  if (!podmanInstalled()) return undefined;
  const log = options.log ?? (() => {});
  const started = Date.now();
  mkdirSync(options.dataDir, { recursive: true });
  const containersConf = join(options.dataDir, 'containers.conf');
  writeFileSync(containersConf, CONTAINERS_CONF);
  const env: NodeJS.ProcessEnv = { ...process.env, CONTAINERS_CONF: containersConf };

  const exists = spawnSync('podman', ['image', 'exists', BUSYBOX_IMAGE], { env });
  if (exists.status !== 0) {
    log(`podman: building ${BUSYBOX_IMAGE} from busybox-static`);
    buildBusyboxImage(options.dataDir, env);
  }

  const socketPath = join(options.dataDir, 'podman.sock');
  rmSync(socketPath, { force: true });
  // cwd: conmon drops an `oom` file into its working directory on an OOM kill; not the caller's.
  const service = spawnTied('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], {
    env,
    cwd: options.dataDir,
  });
  for (const stream of [service.child.stdout, service.child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim() !== '') log(`podman: ${line}`);
    });
  }
  let exited: number | string | null | undefined;
  void service.exited.then((code) => {
    exited = code;
  });
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`podman system service exited (${exited}) before answering on ${socketPath}`);
    }
    if (existsSync(socketPath) && (await pingSocket(socketPath))) break;
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`podman system service did not answer on ${socketPath} in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  log(`podman: Docker API on unix://${socketPath} (ready in ${Date.now() - started} ms)`);
  return {
    socketPath,
    containersConf,
    stop: () => service.stop(),
  };
};

export type { PodmanService, PreparePodmanOptions };
export { BUSYBOX_IMAGE, buildBusyboxImage, pingSocket, preparePodman };
