import type {
  CreateServiceResponse,
  DeleteServiceResponse,
  DescribeServicesResponse,
  ListServicesResponse,
  UpdateServiceResponse,
} from '@aws-sdk/client-ecs';
import { readPageRequest } from '../../domain/validation/requests';
import type { Operation } from '../registry';

/** @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html */

const CreateService: Operation = async (body, { services }): Promise<CreateServiceResponse> => ({
  service: await services.create(body),
});

const UpdateService: Operation = async (body, { services }): Promise<UpdateServiceResponse> => ({
  service: await services.update(body),
});

const DeleteService: Operation = async (body, { services }): Promise<DeleteServiceResponse> => ({
  service: await services.delete(body),
});

const DescribeServices: Operation = (body, { services }): Promise<DescribeServicesResponse> =>
  services.describe(body);

/** ListServices pages by 10 unless told otherwise, unlike the other listings. */
const ListServices: Operation = async (body, { services }): Promise<ListServicesResponse> => {
  const page = await services.list(body, readPageRequest(body, 10));
  return { serviceArns: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
};

const serviceOperations = {
  CreateService,
  UpdateService,
  DeleteService,
  DescribeServices,
  ListServices,
};

export { serviceOperations };
