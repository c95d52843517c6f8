import type { Permission } from './actions';
import { AccessDeniedException } from './errors';
import { evaluatePolicies } from './evaluate';
import type { Principal } from './model';

/**
 * Whether a principal may do what a call needs, for each resource it names;
 * the first refusal is AWS's `AccessDeniedException`, worded as IAM words it.
 * The root identity may do everything. Tags of a resource are read only when
 * one of the principal's policies asks for `aws:ResourceTag/…`.
 */

type ResourceTags = (arn: string) => Promise<Readonly<Record<string, string>> | undefined>;

const refusal = (principal: Principal, action: string, resource: string, explicit: boolean) =>
  new AccessDeniedException(
    `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${
      explicit
        ? 'with an explicit deny in an identity-based policy'
        : `because no identity-based policy allows the ${action} action`
    }`,
  );

const mentionsResourceTags = (principal: Principal): boolean =>
  principal.policies.some((policy) =>
    policy.statements.some((statement) =>
      statement.conditions.some((clause) => clause.key.startsWith('aws:resourcetag/')),
    ),
  );

const authorize = async (
  principal: Principal,
  permission: Permission,
  resourceTags?: ResourceTags,
): Promise<void> => {
  if (principal.kind === 'root') return;
  const readTags = resourceTags !== undefined && mentionsResourceTags(principal);
  for (const resource of permission.resources) {
    const context = new Map(permission.context);
    context.set('aws:username', [principal.userName ?? '']);
    context.set('aws:userid', [principal.userId]);
    context.set('aws:principalarn', [principal.arn]);
    if (readTags && resource !== '*') {
      for (const [key, value] of Object.entries((await resourceTags(resource)) ?? {})) {
        context.set(`aws:resourcetag/${key.toLowerCase()}`, [value]);
      }
    }
    const decision = evaluatePolicies(principal.policies, {
      action: permission.action,
      resource,
      context,
    });
    if (decision !== 'allow') {
      throw refusal(principal, permission.action, resource, decision === 'explicitDeny');
    }
  }
};

export type { ResourceTags };
export { authorize };
