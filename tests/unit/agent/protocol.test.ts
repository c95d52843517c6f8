import { readContainer, readTask } from '../../../agent/protocol';

const base = {
  taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/demo/abc',
  cluster: 'demo',
  desiredStatus: 'RUNNING',
  containers: [{ name: 'app' }],
};

const awsvpc = {
  subnetId: 'subnet-1',
  cidrBlock: '10.213.1.0/24',
  ipv4Address: '10.213.1.17',
  macAddress: '0e:00:00:00:00:01',
};

describe('Module: agent/protocol', () => {
  describe('Function: readTask', () => {
    it('reads the task members of the docker runtime', () => {
      // Act
      const task = readTask({
        ...base,
        family: 'web',
        revision: 4,
        networkMode: 'awsvpc',
        cpu: '256',
        memory: 512,
        awsvpc: { ...awsvpc, gateway: '10.213.1.1' },
      });

      // Assess
      expect(task).toMatchObject({
        family: 'web',
        revision: 4,
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        awsvpc: { ...awsvpc, gateway: '10.213.1.1' },
      });
    });

    it.each([
      ['an unknown network mode', { networkMode: 'nat' }, 'networkMode'],
      ['a revision that is no number', { revision: '4' }, 'revision'],
      ['a family that is no string', { family: 3 }, 'family'],
      ['a cpu that is an object', { cpu: { units: 1 } }, 'cpu'],
      [
        'an awsvpc attachment without its address',
        { awsvpc: { ...awsvpc, ipv4Address: undefined } },
        'awsvpc',
      ],
      [
        'an awsvpc attachment with a number for a string',
        { awsvpc: { ...awsvpc, subnetId: 1 } },
        'awsvpc',
      ],
    ])('drops %s, keeping the task', (_name, extra, member) => {
      // Act
      const task = readTask({ ...base, ...extra });

      // Assess
      expect(task).toBeDefined();
      expect(task?.[member as keyof typeof task]).toBeUndefined();
    });

    it('keeps an awsvpc attachment whose MAC address is empty or missing', () => {
      // Act
      const empty = readTask({ ...base, awsvpc: { ...awsvpc, macAddress: '' } });
      const missing = readTask({ ...base, awsvpc: { ...awsvpc, macAddress: undefined } });

      // Assess
      expect(empty?.awsvpc).toEqual({ ...awsvpc, macAddress: '' });
      expect(missing?.awsvpc).toEqual({ ...awsvpc, macAddress: '' });
    });

    it('leaves the new members out of an older message', () => {
      // Act
      const task = readTask(base);

      // Assess
      expect(task?.networkMode).toBeUndefined();
      expect(task?.awsvpc).toBeUndefined();
      expect(task?.containers[0]?.image).toBeUndefined();
    });
  });

  describe('Function: readContainer', () => {
    it('reads image, user, memoryReservation and dockerLabels', () => {
      expect(
        readContainer({
          name: 'app',
          image: 'busybox',
          user: '1000:1000',
          memoryReservation: 64,
          dockerLabels: { team: 'blue' },
        }),
      ).toMatchObject({
        image: 'busybox',
        user: '1000:1000',
        memoryReservation: 64,
        dockerLabels: { team: 'blue' },
      });
    });

    it.each([
      ['image', { image: 7 }],
      ['user', { user: ['root'] }],
      ['memoryReservation', { memoryReservation: '64' }],
      ['dockerLabels', { dockerLabels: { n: 1 } }],
      ['dockerLabels', { dockerLabels: ['a=b'] }],
    ])('drops a %s of the wrong type', (member, extra) => {
      // Act
      const container = readContainer({ name: 'app', ...extra });

      // Assess
      expect(container).toBeDefined();
      expect(container?.[member as keyof typeof container]).toBeUndefined();
    });
  });
});
