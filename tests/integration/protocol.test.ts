import fc from 'fast-check';
import { signedPost } from '../helpers/clients';

/**
 * The wire contract, spoken raw: what the SDK would never send still gets
 * the AWS JSON 1.1 protocol's answer, never a 5xx.
 */

const ECS = 'AmazonEC2ContainerServiceV20141113';
const OPERATIONS = [
  'CreateCluster',
  'DescribeClusters',
  'ListClusters',
  'DeleteCluster',
  'RegisterTaskDefinition',
  'DescribeTaskDefinition',
  'DeregisterTaskDefinition',
  'DeleteTaskDefinitions',
  'ListTaskDefinitions',
  'ListTaskDefinitionFamilies',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'RegisterContainerInstance',
  'DeregisterContainerInstance',
  'DescribeContainerInstances',
  'ListContainerInstances',
  'UpdateContainerInstancesState',
  'PutAttributes',
  'ListAttributes',
  'DeleteAttributes',
  'RunTask',
  'StartTask',
  'StopTask',
  'DescribeTasks',
  'ListTasks',
  'SubmitTaskStateChange',
  'SubmitContainerStateChange',
];

const post = async (target: string | undefined, body: string) => {
  const response = await signedPost(body, {
    'content-type': 'application/x-amz-json-1.1',
    ...(target ? { 'x-amz-target': target } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: JSON.parse(text) as Record<string, unknown>,
  };
};

describe('The AWS JSON 1.1 protocol', () => {
  it('answers with x-amzn-RequestId, the JSON 1.1 content type and epoch-second timestamps', async () => {
    const family = `proto-${Date.now()}`;
    const body = JSON.stringify({
      family,
      containerDefinitions: [{ name: 'c', image: 'i', memory: 32 }],
    });

    const response = await post(`${ECS}.RegisterTaskDefinition`, body);

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/\S+/);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const registeredAt = (response.json.taskDefinition as { registeredAt: unknown }).registeredAt;
    expect(typeof registeredAt).toBe('number');
    expect(Math.abs((registeredAt as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it.each([
    ['no X-Amz-Target', undefined, '{}', 'UnknownOperationException'],
    ['an unknown operation', `${ECS}.LaunchRockets`, '{}', 'UnknownOperationException'],
    ['an unknown service prefix', 'SomethingElse.ListClusters', '{}', 'UnknownOperationException'],
    ['a prototype property as operation', `${ECS}.constructor`, '{}', 'UnknownOperationException'],
    ['a body that is not JSON', `${ECS}.ListClusters`, '{"oops', 'SerializationException'],
    ['a JSON array body', `${ECS}.ListClusters`, '[]', 'SerializationException'],
    ['a JSON string body', `${ECS}.ListClusters`, '"text"', 'SerializationException'],
    [
      'a wrong member type',
      `${ECS}.ListClusters`,
      '{"maxResults":"ten"}',
      'InvalidParameterException',
    ],
    ['a missing required member', `${ECS}.DeleteCluster`, '{}', 'InvalidParameterException'],
    [
      'a nested wrong type',
      `${ECS}.RegisterTaskDefinition`,
      '{"family":"f","containerDefinitions":[{"name":"c","image":"i","memory":"lots"}]}',
      'InvalidParameterException',
    ],
  ])('answers %s with a 400 and its error type', async (_case, target, body, errorType) => {
    const response = await post(target, body);

    expect(response.status).toBe(400);
    expect(response.json.__type).toBe(errorType);
    expect(typeof response.json.message).toBe('string');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/\S+/);
  });

  it('never answers a 5xx, whatever JSON object arrives at whatever operation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OPERATIONS),
        fc.dictionary(
          fc.constantFrom(
            'cluster',
            'clusters',
            'clusterName',
            'family',
            'familyPrefix',
            'taskDefinition',
            'taskDefinitions',
            'containerDefinitions',
            'tags',
            'tagKeys',
            'resourceArn',
            'include',
            'maxResults',
            'nextToken',
            'status',
            'sort',
            'cpu',
            'memory',
            'networkMode',
            'requiresCompatibilities',
            'settings',
            'capacityProviders',
            'volumes',
          ),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        async (operation, body) => {
          const response = await post(`${ECS}.${operation}`, JSON.stringify(body));
          if (response.status !== 200) {
            expect(response.status).toBe(400);
            expect(typeof response.json.__type).toBe('string');
            expect(typeof response.json.message).toBe('string');
          }
        },
      ),
      { numRuns: 500 },
    );
  }, 120_000);
});
