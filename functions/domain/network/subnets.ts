import { createHash } from 'node:crypto';

/**
 * The subnets Berth hands task addresses from (awsvpc tasks, every FARGATE
 * task), and the arithmetic of their addresses. Pure: the addresses a task
 * holds are reserved in storage by conditional writes (see
 * `ports/TaskRepository.attachAddress`); this module only says which
 * addresses a subnet has and in which order a task tries them.
 *
 * Like a VPC subnet, the first four addresses (network, router, DNS, future
 * use) and the last (broadcast) are never handed out.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html
 */

interface Subnet {
  readonly subnetId: string;
  readonly availabilityZone: string;
  /** `172.31.0.0/20`. */
  readonly cidrBlock: string;
}

/** The local default network: AWS's default-VPC layout, one subnet per zone. */
const DEFAULT_SUBNETS: readonly Subnet[] = [
  { subnetId: 'subnet-berth-a', availabilityZone: 'us-east-1a', cidrBlock: '172.31.0.0/20' },
  { subnetId: 'subnet-berth-b', availabilityZone: 'us-east-1b', cidrBlock: '172.31.16.0/20' },
  { subnetId: 'subnet-berth-c', availabilityZone: 'us-east-1c', cidrBlock: '172.31.32.0/20' },
];

const RESERVED_AT_START = 4;
const RESERVED_AT_END = 1;
const SUBNET_ID = /^subnet-[A-Za-z0-9-]{1,64}$/;

const ipToNumber = (ip: string): number | undefined => {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
};

const numberToIp = (value: number): string =>
  [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');

interface ParsedCidr {
  /** The network address as a number. */
  readonly base: number;
  readonly prefix: number;
  readonly size: number;
}

/** `10.0.0.0/24` → its base and size; undefined when malformed or not aligned. */
const parseCidr = (cidr: string): ParsedCidr | undefined => {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const base = ipToNumber(match[1] ?? '');
  const prefix = Number(match[2]);
  if (base === undefined || prefix < 16 || prefix > 28) return undefined;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { base, prefix, size };
};

const overlaps = (a: string, b: string): boolean => {
  const first = parseCidr(a);
  const second = parseCidr(b);
  if (!first || !second) return false;
  return first.base < second.base + second.size && second.base < first.base + first.size;
};

/** How many addresses a subnet can hand out. */
const usableAddressCount = (subnet: Subnet): number => {
  const parsed = parseCidr(subnet.cidrBlock);
  return parsed ? parsed.size - RESERVED_AT_START - RESERVED_AT_END : 0;
};

/** The `index`-th address a subnet hands out (0-based), as a dotted quad. */
const usableAddress = (subnet: Subnet, index: number): string => {
  const parsed = parseCidr(subnet.cidrBlock);
  if (!parsed) throw new Error(`Malformed CIDR block ${subnet.cidrBlock}`);
  return numberToIp(parsed.base + RESERVED_AT_START + index);
};

/** The subnet's router (its first address + 1), the containers' gateway. */
const gatewayOf = (subnet: Subnet): string => {
  const parsed = parseCidr(subnet.cidrBlock);
  if (!parsed) throw new Error(`Malformed CIDR block ${subnet.cidrBlock}`);
  return numberToIp(parsed.base + 1);
};

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The addresses `owner` tries, in order: `count` distinct usable addresses
 * starting at a point derived from the owner, so that concurrent tasks start
 * far apart (few collisions) and a retried step tries the same ones again
 * (finding the address it took before).
 */
const candidateAddresses = (subnet: Subnet, owner: string, count: number): string[] => {
  const usable = usableAddressCount(subnet);
  const start = digest(`${subnet.subnetId}/${owner}`).readUInt32BE(0) % Math.max(usable, 1);
  return Array.from({ length: Math.min(count, usable) }, (_, offset) =>
    usableAddress(subnet, (start + offset) % usable),
  );
};

/** ECS-shaped identifiers of a task's network interface, derived from the task (stable on retry). */
const interfaceIdentity = (owner: string) => {
  const bytes = digest(`eni/${owner}`);
  // A locally administered, unicast MAC address (02:…), as cloud providers use.
  const mac = ['02', ...[...bytes.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))];
  return {
    attachmentId: [
      bytes.subarray(5, 9).toString('hex'),
      bytes.subarray(9, 11).toString('hex'),
      bytes.subarray(11, 13).toString('hex'),
      bytes.subarray(13, 15).toString('hex'),
      bytes.subarray(15, 21).toString('hex'),
    ].join('-'),
    networkInterfaceId: `eni-${bytes.subarray(21, 30).toString('hex').slice(0, 17)}`,
    macAddress: mac.join(':'),
  };
};

/** `ip-172-31-3-7.ec2.internal` in us-east-1, `ip-….<region>.compute.internal` elsewhere, as EC2 names them. */
const privateDnsName = (ip: string, region: string): string =>
  `ip-${ip.replaceAll('.', '-')}.${region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`}`;

/**
 * Reads `BERTH_SUBNETS`: `id=zone=cidr` entries separated by commas or
 * whitespace, e.g. `subnet-a=us-east-1a=10.0.0.0/24`. Empty or unset: the
 * default network. Throws with the entry named when one is malformed, so a
 * typo fails at start rather than at the first task.
 */
const parseSubnets = (text: string | undefined): Subnet[] => {
  if (text === undefined || text.trim() === '') return [...DEFAULT_SUBNETS];
  const subnets: Subnet[] = [];
  for (const entry of text.split(/[\s,]+/).filter((part) => part !== '')) {
    const [subnetId, availabilityZone, cidrBlock, ...rest] = entry.split('=');
    if (
      subnetId === undefined ||
      availabilityZone === undefined ||
      cidrBlock === undefined ||
      rest.length > 0
    ) {
      throw new Error(`BERTH_SUBNETS entry ${JSON.stringify(entry)} is not id=zone=cidr`);
    }
    if (!SUBNET_ID.test(subnetId)) {
      throw new Error(`BERTH_SUBNETS entry ${JSON.stringify(entry)}: ids look like subnet-…`);
    }
    if (!/^[a-z]{2}-[a-z]+-\d[a-z]$/.test(availabilityZone)) {
      throw new Error(
        `BERTH_SUBNETS entry ${JSON.stringify(entry)}: ${availabilityZone} is not a zone name like us-east-1a`,
      );
    }
    if (!parseCidr(cidrBlock)) {
      throw new Error(
        `BERTH_SUBNETS entry ${JSON.stringify(entry)}: ${cidrBlock} is not an aligned IPv4 CIDR block between /16 and /28`,
      );
    }
    if (subnets.some((subnet) => subnet.subnetId === subnetId)) {
      throw new Error(`BERTH_SUBNETS names ${subnetId} twice`);
    }
    // Addresses are reserved per subnet: overlapping blocks could give two tasks one address.
    const overlapping = subnets.find((subnet) => overlaps(subnet.cidrBlock, cidrBlock));
    if (overlapping) {
      throw new Error(
        `BERTH_SUBNETS: ${subnetId} (${cidrBlock}) overlaps ${overlapping.subnetId} (${overlapping.cidrBlock})`,
      );
    }
    subnets.push({ subnetId, availabilityZone, cidrBlock });
  }
  return subnets;
};

export type { Subnet };
export {
  candidateAddresses,
  DEFAULT_SUBNETS,
  gatewayOf,
  interfaceIdentity,
  ipToNumber,
  parseCidr,
  parseSubnets,
  privateDnsName,
  usableAddress,
  usableAddressCount,
};
