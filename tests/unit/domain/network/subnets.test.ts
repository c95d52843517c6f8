import fc from 'fast-check';
import {
  candidateAddresses,
  DEFAULT_SUBNETS,
  gatewayOf,
  interfaceIdentity,
  ipToNumber,
  parseCidr,
  parseSubnets,
  privateDnsName,
  type Subnet,
  usableAddress,
  usableAddressCount,
} from '../../../../functions/domain/network/subnets';

const subnet = (cidrBlock: string, subnetId = 'subnet-test'): Subnet => ({
  subnetId,
  availabilityZone: 'us-east-1a',
  cidrBlock,
});

/** An aligned CIDR block of Berth's range (/16 to /28) in 10.0.0.0/8. */
const alignedCidr = fc
  .tuple(fc.integer({ min: 16, max: 28 }), fc.integer({ min: 0, max: 2 ** 24 - 1 }))
  .map(([prefix, offset]) => {
    const size = 2 ** (32 - prefix);
    const base = 10 * 2 ** 24 + Math.floor(offset / size) * size;
    const ip = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256).join('.');
    return `${ip}/${prefix}`;
  });

/** The five addresses of a block that are never handed out. */
const reservedOf = (cidrBlock: string): string[] => {
  const parsed = parseCidr(cidrBlock)!;
  const ip = (value: number) =>
    [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
  return [0, 1, 2, 3, parsed.size - 1].map((offset) => ip(parsed.base + offset));
};

const isInside = (address: string, cidrBlock: string): boolean => {
  const parsed = parseCidr(cidrBlock)!;
  const value = ipToNumber(address);
  return value !== undefined && value >= parsed.base && value < parsed.base + parsed.size;
};

describe('Function: parseCidr', () => {
  it.each([
    { case: 'a /16', cidr: '10.0.0.0/16', expected: { base: 167772160, prefix: 16, size: 65536 } },
    {
      case: 'the default /20',
      cidr: '172.31.0.0/20',
      expected: { base: 2887712768, prefix: 20, size: 4096 },
    },
    {
      case: 'a /24',
      cidr: '192.168.1.0/24',
      expected: { base: 3232235776, prefix: 24, size: 256 },
    },
    { case: 'a /28', cidr: '10.0.0.16/28', expected: { base: 167772176, prefix: 28, size: 16 } },
    {
      case: 'the top of the address space',
      cidr: '255.255.255.240/28',
      expected: { base: 4294967280, prefix: 28, size: 16 },
    },
  ])('reads $case', ({ cidr, expected }) => {
    expect(parseCidr(cidr)).toStrictEqual(expected);
  });

  it.each([
    { case: 'a base inside a /20', cidr: '172.31.1.0/20' },
    { case: 'a host address with a /24', cidr: '10.0.0.1/24' },
    { case: 'a /28 off its 16-address step', cidr: '10.0.0.8/28' },
  ])('refuses an unaligned block: $case', ({ cidr }) => {
    expect(parseCidr(cidr)).toBeUndefined();
  });

  it.each([
    { case: 'a /15', cidr: '10.0.0.0/15' },
    { case: 'a /8', cidr: '10.0.0.0/8' },
    { case: 'a /0', cidr: '0.0.0.0/0' },
    { case: 'a /29', cidr: '10.0.0.0/29' },
    { case: 'a /32', cidr: '10.0.0.0/32' },
  ])('refuses a prefix outside /16–/28: $case', ({ cidr }) => {
    expect(parseCidr(cidr)).toBeUndefined();
  });

  it.each([
    { case: 'an empty string', cidr: '' },
    { case: 'no prefix', cidr: '10.0.0.0' },
    { case: 'an empty prefix', cidr: '10.0.0.0/' },
    { case: 'a three-digit prefix', cidr: '10.0.0.0/024' },
    { case: 'three octets', cidr: '10.0.0/24' },
    { case: 'five octets', cidr: '10.0.0.0.0/24' },
    { case: 'an octet above 255', cidr: '10.256.0.0/16' },
    { case: 'an empty octet', cidr: '10..0.0/16' },
    { case: 'a four-digit octet', cidr: '1000.0.0.0/16' },
    { case: 'letters', cidr: 'ten.0.0.0/16' },
    { case: 'an IPv6 block', cidr: '2600:1f18::/56' },
    { case: 'surrounding whitespace', cidr: ' 10.0.0.0/16' },
  ])('refuses a malformed block: $case', ({ cidr }) => {
    expect(parseCidr(cidr)).toBeUndefined();
  });

  it('reads every aligned block of the range, with a size of 2^(32 - prefix) (property)', () => {
    fc.assert(
      fc.property(alignedCidr, (cidr) => {
        const parsed = parseCidr(cidr);
        return (
          parsed !== undefined &&
          parsed.size === 2 ** (32 - parsed.prefix) &&
          parsed.base % parsed.size === 0
        );
      }),
    );
  });
});

describe('Function: usableAddressCount', () => {
  it.each([
    { case: 'a /16', cidr: '10.0.0.0/16', expected: 65531 },
    { case: 'a /20', cidr: '172.31.0.0/20', expected: 4091 },
    { case: 'a /24', cidr: '10.0.1.0/24', expected: 251 },
    { case: 'a /28', cidr: '10.0.0.16/28', expected: 11 },
  ])('keeps back the first four and the last address of $case', ({ cidr, expected }) => {
    expect(usableAddressCount(subnet(cidr))).toBe(expected);
  });

  it.each([
    // A /29 would hold 8 - 5 = 3 usable addresses, but VPC subnets stop at /28.
    { case: 'a /29 (smaller than a VPC subnet may be)', cidr: '10.0.0.0/29' },
    { case: 'an unaligned block', cidr: '10.0.0.8/28' },
    { case: 'a malformed block', cidr: 'not-a-cidr' },
  ])('counts no address in $case', ({ cidr }) => {
    expect(usableAddressCount(subnet(cidr))).toBe(0);
  });
});

describe('Function: usableAddress', () => {
  const defaultA = subnet('172.31.0.0/20');

  it.each([
    {
      case: 'the first usable address (after network, router, DNS, reserved)',
      index: 0,
      expected: '172.31.0.4',
    },
    { case: 'the address crossing into the next octet', index: 252, expected: '172.31.1.0' },
    { case: 'the last usable address (before broadcast)', index: 4090, expected: '172.31.15.254' },
  ])('gives $case', ({ index, expected }) => {
    expect(usableAddress(defaultA, index)).toBe(expected);
  });

  it('gives the first and last usable addresses of a /28', () => {
    // Prepare
    const small = subnet('10.0.0.16/28');

    // Act & Assess
    expect(usableAddress(small, 0)).toBe('10.0.0.20');
    expect(usableAddress(small, usableAddressCount(small) - 1)).toBe('10.0.0.30');
  });

  it('throws on a malformed block', () => {
    expect(() => usableAddress(subnet('10.0.0.0/8'), 0)).toThrow('Malformed CIDR block 10.0.0.0/8');
  });
});

describe('Function: gatewayOf', () => {
  it.each([
    { cidr: '172.31.0.0/20', expected: '172.31.0.1' },
    { cidr: '172.31.16.0/20', expected: '172.31.16.1' },
    { cidr: '10.0.0.16/28', expected: '10.0.0.17' },
  ])('gives the router of $cidr', ({ cidr, expected }) => {
    expect(gatewayOf(subnet(cidr))).toBe(expected);
  });

  it('throws on a malformed block', () => {
    expect(() => gatewayOf(subnet('10.0.0.1/24'))).toThrow('Malformed CIDR block 10.0.0.1/24');
  });
});

describe('Function: candidateAddresses', () => {
  const owner = fc.string({ minLength: 1, maxLength: 40 });
  const count = fc.integer({ min: 0, max: 64 });

  it('keeps every candidate inside the block and off its five reserved addresses (property)', () => {
    fc.assert(
      fc.property(alignedCidr, owner, count, (cidr, who, n) => {
        const reserved = new Set(reservedOf(cidr));
        return candidateAddresses(subnet(cidr), who, n).every(
          (address) => isInside(address, cidr) && !reserved.has(address),
        );
      }),
    );
  });

  it('gives distinct candidates (property)', () => {
    fc.assert(
      fc.property(alignedCidr, owner, count, (cidr, who, n) => {
        const candidates = candidateAddresses(subnet(cidr), who, n);
        return new Set(candidates).size === candidates.length;
      }),
    );
  });

  it('gives the same candidates, in the same order, for the same owner (property)', () => {
    fc.assert(
      fc.property(alignedCidr, owner, count, (cidr, who, n) => {
        expect(candidateAddresses(subnet(cidr), who, n)).toStrictEqual(
          candidateAddresses(subnet(cidr), who, n),
        );
      }),
    );
  });

  it('gives min(count, usable) candidates (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('10.0.0.16/28', '10.0.1.0/27', '10.0.2.0/26', '172.31.0.0/20'),
        owner,
        fc.integer({ min: 0, max: 200 }),
        (cidr, who, n) =>
          candidateAddresses(subnet(cidr), who, n).length ===
          Math.min(n, usableAddressCount(subnet(cidr))),
      ),
    );
  });

  it('gives every usable address once when asked for more than the block holds', () => {
    // Prepare
    const small = subnet('10.0.0.16/28');
    const everyUsable = Array.from({ length: 11 }, (_, index) => usableAddress(small, index));

    // Act
    const candidates = candidateAddresses(small, 'cluster/task', 50);

    // Assess
    expect([...candidates].sort()).toStrictEqual([...everyUsable].sort());
  });

  it('walks consecutive usable addresses, wrapping from the last to the first (property)', () => {
    const small = subnet('10.0.0.16/28');
    const order = Array.from({ length: 11 }, (_, index) => usableAddress(small, index));
    fc.assert(
      fc.property(owner, (who) => {
        const candidates = candidateAddresses(small, who, 11);
        const start = order.indexOf(candidates[0]!);
        return candidates.every((address, offset) => address === order[(start + offset) % 11]);
      }),
    );
  });

  it('gives no candidate in a malformed block', () => {
    expect(candidateAddresses(subnet('10.0.0.0/8'), 'cluster/task', 8)).toStrictEqual([]);
  });

  it('gives no candidate when asked for none', () => {
    expect(candidateAddresses(subnet('172.31.0.0/20'), 'cluster/task', 0)).toStrictEqual([]);
  });

  it('starts different owners at different points, as a rule', () => {
    // Prepare
    const defaultA = subnet('172.31.0.0/20');
    const owners = Array.from({ length: 200 }, (_, index) => `default/task-${index}`);

    // Act
    const starts = new Set(owners.map((who) => candidateAddresses(defaultA, who, 1)[0]));

    // Assess: 200 draws over 4091 addresses collide about 5 times on average.
    expect(starts.size).toBeGreaterThanOrEqual(180);
  });

  it('starts the same owner at different points in different subnets', () => {
    // Prepare
    const [a, b] = DEFAULT_SUBNETS;
    const shifted = (address: string | undefined, from: Subnet) =>
      ipToNumber(address ?? '')! - ipToNumber(usableAddress(from, 0))!;

    // Act
    const inA = candidateAddresses(a!, 'default/task-1', 1)[0];
    const inB = candidateAddresses(b!, 'default/task-1', 1)[0];

    // Assess: same-sized subnets, yet not the same position in each.
    expect(shifted(inA, a!)).not.toBe(shifted(inB, b!));
  });
});

describe('Function: interfaceIdentity', () => {
  it('is stable for the same owner (property)', () => {
    fc.assert(
      fc.property(fc.string(), (owner) => {
        expect(interfaceIdentity(owner)).toStrictEqual(interfaceIdentity(owner));
      }),
    );
  });

  it('has ECS-shaped identifiers and a locally administered unicast MAC (property)', () => {
    fc.assert(
      fc.property(fc.string(), (owner) => {
        const { attachmentId, networkInterfaceId, macAddress } = interfaceIdentity(owner);
        expect(attachmentId).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
        expect(networkInterfaceId).toMatch(/^eni-[0-9a-f]{17}$/);
        expect(macAddress).toMatch(/^02(:[0-9a-f]{2}){5}$/);
        // 02: bit 1 of the first octet set (locally administered), bit 0 clear (unicast).
        const firstOctet = Number.parseInt(macAddress.slice(0, 2), 16);
        expect(firstOctet & 0b10).toBe(0b10);
        expect(firstOctet & 0b01).toBe(0);
      }),
    );
  });

  it('gives different owners different identifiers', () => {
    // Act
    const first = interfaceIdentity('default/task-1');
    const second = interfaceIdentity('default/task-2');

    // Assess
    expect(second.attachmentId).not.toBe(first.attachmentId);
    expect(second.networkInterfaceId).not.toBe(first.networkInterfaceId);
    expect(second.macAddress).not.toBe(first.macAddress);
  });
});

describe('Function: privateDnsName', () => {
  it.each([
    {
      case: 'us-east-1 (ec2.internal)',
      region: 'us-east-1',
      expected: 'ip-172-31-3-7.ec2.internal',
    },
    {
      case: 'eu-west-1 (<region>.compute.internal)',
      region: 'eu-west-1',
      expected: 'ip-172-31-3-7.eu-west-1.compute.internal',
    },
    {
      case: 'us-east-2 (not us-east-1)',
      region: 'us-east-2',
      expected: 'ip-172-31-3-7.us-east-2.compute.internal',
    },
  ])('names the address as EC2 does in $case', ({ region, expected }) => {
    expect(privateDnsName('172.31.3.7', region)).toBe(expected);
  });
});

describe('Function: parseSubnets', () => {
  it.each([
    { case: 'unset', text: undefined },
    { case: 'empty', text: '' },
    { case: 'only whitespace', text: '  \n\t ' },
  ])('gives the default network when $case', ({ text }) => {
    expect(parseSubnets(text)).toStrictEqual([
      { subnetId: 'subnet-berth-a', availabilityZone: 'us-east-1a', cidrBlock: '172.31.0.0/20' },
      { subnetId: 'subnet-berth-b', availabilityZone: 'us-east-1b', cidrBlock: '172.31.16.0/20' },
      { subnetId: 'subnet-berth-c', availabilityZone: 'us-east-1c', cidrBlock: '172.31.32.0/20' },
    ]);
  });

  it('gives a copy of the defaults, not the shared list', () => {
    // Act
    const subnets = parseSubnets(undefined);
    subnets.pop();

    // Assess
    expect(DEFAULT_SUBNETS).toHaveLength(3);
  });

  it.each([
    { case: 'commas', text: 'subnet-a=eu-west-1a=10.0.0.0/24,subnet-b=eu-west-1b=10.0.1.0/24' },
    { case: 'spaces', text: 'subnet-a=eu-west-1a=10.0.0.0/24 subnet-b=eu-west-1b=10.0.1.0/24' },
    {
      case: 'commas, newlines and stray separators',
      text: ' ,subnet-a=eu-west-1a=10.0.0.0/24 ,\n\tsubnet-b=eu-west-1b=10.0.1.0/24,, ',
    },
  ])('reads a custom list separated by $case', ({ text }) => {
    expect(parseSubnets(text)).toStrictEqual([
      { subnetId: 'subnet-a', availabilityZone: 'eu-west-1a', cidrBlock: '10.0.0.0/24' },
      { subnetId: 'subnet-b', availabilityZone: 'eu-west-1b', cidrBlock: '10.0.1.0/24' },
    ]);
  });

  it('reads an AWS-style subnet id and a /16 block', () => {
    expect(parseSubnets('subnet-0123456789abcdef0=ap-southeast-2c=10.1.0.0/16')).toStrictEqual([
      {
        subnetId: 'subnet-0123456789abcdef0',
        availabilityZone: 'ap-southeast-2c',
        cidrBlock: '10.1.0.0/16',
      },
    ]);
  });

  it.each([
    {
      case: 'an entry without its CIDR',
      entry: 'subnet-a=us-east-1a',
      message: 'BERTH_SUBNETS entry "subnet-a=us-east-1a" is not id=zone=cidr',
    },
    {
      case: 'an entry of one part',
      entry: 'subnet-a',
      message: 'BERTH_SUBNETS entry "subnet-a" is not id=zone=cidr',
    },
    {
      case: 'an entry of four parts',
      entry: 'subnet-a=us-east-1a=10.0.0.0/24=extra',
      message: 'BERTH_SUBNETS entry "subnet-a=us-east-1a=10.0.0.0/24=extra" is not id=zone=cidr',
    },
    {
      case: 'an id without the subnet- prefix',
      entry: 'a=us-east-1a=10.0.0.0/24',
      message: 'BERTH_SUBNETS entry "a=us-east-1a=10.0.0.0/24": ids look like subnet-…',
    },
    {
      case: 'an id with nothing after subnet-',
      entry: 'subnet-=us-east-1a=10.0.0.0/24',
      message: 'BERTH_SUBNETS entry "subnet-=us-east-1a=10.0.0.0/24": ids look like subnet-…',
    },
    {
      case: 'an id with an underscore',
      entry: 'subnet-a_b=us-east-1a=10.0.0.0/24',
      message: 'BERTH_SUBNETS entry "subnet-a_b=us-east-1a=10.0.0.0/24": ids look like subnet-…',
    },
    {
      case: 'a region instead of a zone',
      entry: 'subnet-a=us-east-1=10.0.0.0/24',
      message:
        'BERTH_SUBNETS entry "subnet-a=us-east-1=10.0.0.0/24": us-east-1 is not a zone name like us-east-1a',
    },
    {
      case: 'an upper-case zone',
      entry: 'subnet-a=US-EAST-1A=10.0.0.0/24',
      message:
        'BERTH_SUBNETS entry "subnet-a=US-EAST-1A=10.0.0.0/24": US-EAST-1A is not a zone name like us-east-1a',
    },
    {
      case: 'an empty zone',
      entry: 'subnet-a==10.0.0.0/24',
      message: 'BERTH_SUBNETS entry "subnet-a==10.0.0.0/24":  is not a zone name like us-east-1a',
    },
    {
      case: 'an unaligned CIDR',
      entry: 'subnet-a=us-east-1a=10.0.0.1/24',
      message:
        'BERTH_SUBNETS entry "subnet-a=us-east-1a=10.0.0.1/24": 10.0.0.1/24 is not an aligned IPv4 CIDR block between /16 and /28',
    },
    {
      case: 'a CIDR too large',
      entry: 'subnet-a=us-east-1a=10.0.0.0/8',
      message:
        'BERTH_SUBNETS entry "subnet-a=us-east-1a=10.0.0.0/8": 10.0.0.0/8 is not an aligned IPv4 CIDR block between /16 and /28',
    },
    {
      case: 'a CIDR too small',
      entry: 'subnet-a=us-east-1a=10.0.0.0/29',
      message:
        'BERTH_SUBNETS entry "subnet-a=us-east-1a=10.0.0.0/29": 10.0.0.0/29 is not an aligned IPv4 CIDR block between /16 and /28',
    },
    {
      case: 'a malformed CIDR',
      entry: 'subnet-a=us-east-1a=10.0.0/24',
      message:
        'BERTH_SUBNETS entry "subnet-a=us-east-1a=10.0.0/24": 10.0.0/24 is not an aligned IPv4 CIDR block between /16 and /28',
    },
  ])('refuses $case, naming the entry', ({ entry, message }) => {
    // Prepare: a valid entry first, so the bad one is found in a list.
    const text = `subnet-ok=us-east-1b=10.9.0.0/24,${entry}`;

    // Act & Assess
    expect(() => parseSubnets(text)).toThrow(new Error(message));
  });

  it('refuses a subnet id given twice, naming it', () => {
    expect(() =>
      parseSubnets('subnet-a=us-east-1a=10.0.0.0/24 subnet-a=us-east-1b=10.0.1.0/24'),
    ).toThrow(new Error('BERTH_SUBNETS names subnet-a twice'));
  });

  it('reads back any list of valid entries it is given (property)', () => {
    const entry = fc.record({
      subnetId: fc.stringMatching(/^[a-z0-9]{1,12}$/).map((tail) => `subnet-${tail}`),
      availabilityZone: fc.constantFrom('us-east-1a', 'eu-west-1b', 'ap-northeast-1c'),
      cidrBlock: alignedCidr,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { minLength: 1, maxLength: 6, selector: (item) => item.subnetId }),
        fc.constantFrom(',', ' ', '\n', ', '),
        (generated, separator) => {
          // Each in a /8 of its own, so that no two overlap.
          const entries = generated.map((item, index) => ({
            ...item,
            cidrBlock: item.cidrBlock.replace(/^\d+/, String(index + 1)),
          }));
          const text = entries
            .map((item) => `${item.subnetId}=${item.availabilityZone}=${item.cidrBlock}`)
            .join(separator);
          expect(parseSubnets(text)).toStrictEqual(entries.map((item) => ({ ...item })));
        },
      ),
    );
  });

  it.each([
    ['the same block', '10.0.0.0/24', '10.0.0.0/24'],
    ['a block inside another', '10.0.0.0/16', '10.0.5.0/24'],
    ['a block around another', '10.0.5.0/24', '10.0.0.0/16'],
  ])('refuses subnets whose blocks overlap: %s', (_case, first, second) => {
    expect(() =>
      parseSubnets(`subnet-a=us-east-1a=${first},subnet-b=us-east-1b=${second}`),
    ).toThrow(`BERTH_SUBNETS: subnet-b (${second}) overlaps subnet-a (${first})`);
  });

  it('accepts adjacent blocks', () => {
    expect(
      parseSubnets('subnet-a=us-east-1a=10.0.0.0/24,subnet-b=us-east-1b=10.0.1.0/24'),
    ).toHaveLength(2);
  });
});
