import {
  createRuntime,
  DOCKER_SOCKET,
  findDockerSocket,
  PODMAN_ROOT_SOCKET,
} from '../../../agent/runtimes';
import { DockerRuntime } from '../../../agent/runtimes/DockerRuntime';
import { ProcessRuntime } from '../../../agent/runtimes/ProcessRuntime';

describe('Module: agent/runtimes', () => {
  describe('Function: findDockerSocket', () => {
    it.each([
      [
        'DOCKER_HOST unix://',
        { DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' },
        [],
        '/run/user/1000/podman/podman.sock',
      ],
      [
        'DOCKER_HOST over the default sockets',
        { DOCKER_HOST: 'unix:///x.sock' },
        [DOCKER_SOCKET, PODMAN_ROOT_SOCKET],
        '/x.sock',
      ],
      ["Docker's socket", {}, [DOCKER_SOCKET, PODMAN_ROOT_SOCKET], DOCKER_SOCKET],
      ["Podman's socket when Docker's is missing", {}, [PODMAN_ROOT_SOCKET], PODMAN_ROOT_SOCKET],
      [
        'a tcp:// DOCKER_HOST is passed over',
        { DOCKER_HOST: 'tcp://10.0.0.1:2375' },
        [PODMAN_ROOT_SOCKET],
        PODMAN_ROOT_SOCKET,
      ],
      ['an empty unix:// DOCKER_HOST is passed over', { DOCKER_HOST: 'unix://' }, [], undefined],
      ['nothing at all', {}, [], undefined],
    ] as [string, NodeJS.ProcessEnv, string[], string | undefined][])(
      '%s',
      (_name, env, present, expected) => {
        // Act
        const found = findDockerSocket(env, (path) => present.includes(path));

        // Assess
        expect(found).toBe(expected);
      },
    );
  });

  describe('Function: createRuntime', () => {
    it('makes the process runtime', () => {
      expect(createRuntime({ runtime: 'process' })).toBeInstanceOf(ProcessRuntime);
    });

    it('makes the docker runtime on the given socket without contacting it', () => {
      // Act
      const runtime = createRuntime({
        runtime: 'docker',
        dockerSocket: '/nonexistent/docker.sock',
      });

      // Assess
      expect(runtime).toBeInstanceOf(DockerRuntime);
      expect(runtime.name).toBe('docker');
      expect((runtime as DockerRuntime).docker.modem).toHaveProperty(
        'socketPath',
        '/nonexistent/docker.sock',
      );
      runtime.close();
    });
  });
});
