import { ecsServiceOf } from '../../../../functions/domain/scaling/model';

describe('Function: ecsServiceOf', () => {
  it.each([
    ['service/default/web', { cluster: 'default', service: 'web' }],
    ['service/my-cluster/api_v2', { cluster: 'my-cluster', service: 'api_v2' }],
    ['service/web', undefined],
    ['service/c/s/extra', undefined],
    ['table/orders', undefined],
    ['service//web', undefined],
  ])('reads %s as %j', (resourceId, expected) => {
    expect(ecsServiceOf(resourceId)).toEqual(expected);
  });
});
