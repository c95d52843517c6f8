import type { HttpRequest } from '@smithy/types';
import {
  connectionSettings,
  LOCAL_AUTHORIZATION,
  signingFor,
} from '../../../functions/adapters/connections';

describe('signingFor', () => {
  it.each([
    ['http://127.0.0.1:8000', true],
    ['http://localhost:3002', true],
    ['http://[::1]:8083/', true],
    [undefined, false],
    ['https://abc123.execute-api.us-east-1.amazonaws.com/local', false],
    ['https://dynamodb.us-east-1.amazonaws.com', false],
    ['http://127.0.0.1.nip.io:8000', false],
    ['http://10.0.0.5:8000', false],
  ])('%s is a local part: %s', (endpoint, local) => {
    expect(signingFor(endpoint).signer !== undefined).toBe(local);
  });

  it('gives a local request an Authorization header of the shape DynamoDB Local reads', async () => {
    const signer = signingFor('http://127.0.0.1:8000').signer;
    const request: HttpRequest = {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: '/',
      headers: {},
      query: {},
    };
    const signed = await signer?.sign(request);
    expect(signed?.headers.authorization).toBe(LOCAL_AUTHORIZATION);
    expect(LOCAL_AUTHORIZATION).toMatch(
      /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[\w-]+\/[\w-]+\/aws4_request, /,
    );
  });
});

describe('connectionSettings', () => {
  it('points a client at a local part, unsigned, and leaves an AWS one to the SDK', () => {
    const local = connectionSettings('http://127.0.0.1:8000');
    expect(local.endpoint).toBe('http://127.0.0.1:8000');
    expect(local.signer).toBeDefined();
    const aws = connectionSettings(undefined);
    expect('endpoint' in aws).toBe(false);
    expect('signer' in aws).toBe(false);
    expect(aws.requestHandler).toBeDefined();
  });
});
