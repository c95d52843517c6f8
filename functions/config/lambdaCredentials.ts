import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * What the Lambda bundles use in place of the SDK's default credential chain
 * (`@aws-sdk/credential-provider-node`, swapped for this module by the
 * esbuild `alias` in serverless.yml): the credentials in the environment.
 *
 * Why: Lambda always puts the function role's credentials there, and the
 * local stack puts its own there too, so the rest of the chain (SSO, STS web
 * identity, the instance metadata service, profiles and their nested STS and
 * SSO clients) can never be used, yet it was a sixth of every bundle and a
 * third of the time to import a handler (ADR 10). Code run outside the
 * bundles (tests, scripts, the agent) keeps the whole chain.
 */
const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);

export { defaultProvider };
