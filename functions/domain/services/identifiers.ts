import { randomInt, randomUUID } from 'node:crypto';

/** `ecs-svc/` and 19 digits, as ECS names deployments. */
const newDeploymentId = (): string =>
  `ecs-svc/${randomInt(1, 10)}${Array.from({ length: 18 }, () => randomInt(0, 10)).join('')}`;

/** A service event's id, as ECS gives them (a UUID). */
const newEventId = (): string => randomUUID();

export { newDeploymentId, newEventId };
