import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseRequest, toWireJson } from '../../../functions/api/protocol';
import {
  ClusterNotFoundException,
  SerializationException,
  ServerException,
  UnknownOperationException,
} from '../../../functions/domain/errors';
import { errorBoundary } from '../../../functions/middleware/errorBoundary';

const event = (headers: Record<string, string>, body?: string, base64 = false) =>
  ({ headers, body, isBase64Encoded: base64 }) as unknown as APIGatewayProxyEventV2;

describe('Function: toWireJson', () => {
  it('writes dates as epoch seconds with milliseconds as the fraction, at any depth', () => {
    const at = new Date(1_709_242_525_051);

    const json = toWireJson({ createdAt: at, nested: [{ at }] });

    expect(JSON.parse(json)).toEqual({
      createdAt: 1709242525.051,
      nested: [{ at: 1709242525.051 }],
    });
  });
});

describe('Function: parseRequest', () => {
  it('reads the target case-insensitively and an empty body as {}', () => {
    expect(parseRequest(event({ 'X-Amz-Target': 'A.B' }, ''))).toEqual({ target: 'A.B', body: {} });
  });

  it('decodes a base64 body', () => {
    const body = Buffer.from('{"a":1}').toString('base64');

    expect(parseRequest(event({ 'x-amz-target': 'A.B' }, body, true)).body).toEqual({ a: 1 });
  });

  it.each([
    ['no target', {}, '{}', UnknownOperationException],
    ['broken JSON', { 'x-amz-target': 'A.B' }, '{', SerializationException],
    ['a JSON number', { 'x-amz-target': 'A.B' }, '42', SerializationException],
    ['JSON null', { 'x-amz-target': 'A.B' }, 'null', SerializationException],
  ])('refuses %s', (_case, headers, body, errorClass) => {
    expect(() => parseRequest(event(headers, body))).toThrow(errorClass);
  });
});

describe('Function: errorBoundary', () => {
  const run = async (error: Error) => {
    const logged: unknown[] = [];
    const request = {
      event: event({}),
      context: { awsRequestId: 'req-1' },
      error,
      response: undefined as unknown,
      internal: {},
    };
    await errorBoundary({ error: (...args) => logged.push(args) }).onError?.(request as never);
    return {
      response: request.response as {
        statusCode: number;
        body: string;
        headers: Record<string, string>;
      },
      logged,
    };
  };

  it('answers an ECS error as it is, with 400 and its __type', async () => {
    const { response, logged } = await run(new ClusterNotFoundException());

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      __type: 'ClusterNotFoundException',
      message: 'Cluster not found.',
    });
    expect(response.headers['x-amzn-requestid']).toBe('req-1');
    expect(logged).toHaveLength(0);
  });

  it('logs any other error in full and answers a bare ServerException 500', async () => {
    const { response, logged } = await run(new TypeError('secret internals'));

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual(new ServerException().toJSON());
    expect(response.body).not.toContain('secret internals');
    expect(logged).toHaveLength(1);
  });
});
