import { DEFAULT_FARGATE_PRICES, readPrices } from '../../../../functions/domain/usage/prices';

describe('Function: readPrices', () => {
  it.each([
    ['nothing', undefined],
    ['null', null],
    ['an empty object', {}],
    ['empty JSON text', '{}'],
  ])('gives the us-east-1 defaults for %s', (_name, configured) => {
    // Act
    const prices = readPrices(configured);

    // Assess
    expect(prices).toEqual(DEFAULT_FARGATE_PRICES);
  });

  it('keeps the published us-east-1 Linux/x86 rates as defaults', () => {
    // Assess
    expect(DEFAULT_FARGATE_PRICES.onDemand.linuxX86).toEqual({
      perVcpuHour: 0.04048,
      perGbHour: 0.004445,
    });
    expect(DEFAULT_FARGATE_PRICES.minimumSeconds.linux).toBe(60);
  });

  it('merges a partial override onto the defaults member by member', () => {
    // Act
    const prices = readPrices({
      spot: { linuxX86: { perVcpuHour: 0.0125 } },
      storagePerGbHour: 0.0002,
    });

    // Assess
    expect(prices.spot.linuxX86).toEqual({ perVcpuHour: 0.0125, perGbHour: 0.0013335 });
    expect(prices.spot.linuxArm).toEqual(DEFAULT_FARGATE_PRICES.spot.linuxArm);
    expect(prices.storagePerGbHour).toBe(0.0002);
    expect(prices.onDemand).toEqual(DEFAULT_FARGATE_PRICES.onDemand);
  });

  it('reads JSON text as an operator puts it in an environment variable', () => {
    // Act
    const prices = readPrices('{"minimumSeconds":{"windows":60}}');

    // Assess
    expect(prices.minimumSeconds).toEqual({ linux: 60, windows: 60 });
  });

  it.each([
    ['text that is not JSON', '{rates', 'Invalid Fargate prices: the configuration is not JSON.'],
    ['a list', [], 'Invalid Fargate prices: the configuration must be an object, got [].'],
    [
      'an unknown member',
      { onDemand: { linuxX68: {} } },
      'Invalid Fargate prices: unknown member onDemand.linuxX68. Known members of onDemand: linuxX86, linuxArm, windowsX86.',
    ],
    [
      'a number where a group belongs',
      { spot: 0.3 },
      'Invalid Fargate prices: spot must be an object, got 0.3.',
    ],
    [
      'a price as text',
      { onDemand: { linuxArm: { perGbHour: '0.004' } } },
      'Invalid Fargate prices: onDemand.linuxArm.perGbHour must be a non-negative number, got "0.004".',
    ],
    [
      'a negative price',
      { windowsLicensePerVcpuHour: -1 },
      'Invalid Fargate prices: windowsLicensePerVcpuHour must be a non-negative number, got -1.',
    ],
    [
      'a fractional minimum',
      { minimumSeconds: { linux: 59.5 } },
      'Invalid Fargate prices: minimumSeconds.linux must be a whole number of seconds, got 59.5.',
    ],
  ])('rejects %s with a message naming the member', (_name, configured, message) => {
    // Act
    const read = () => readPrices(configured);

    // Assess
    expect(read).toThrow(message);
  });
});
