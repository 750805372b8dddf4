import type { RunContext } from '../facts/context';
import type { Settings } from '../inputs/settings';
import type { Credentials, TokenCredentials, WriterIdentity } from '../ports';
import type { ActingHost } from './acted';

/**
 * Who writes to Boards, as the inputs choose: a workload identity federation connection, a personal access
 * token connection, or the job token.
 * @throws SettingsError, EnvironmentError
 */
export function writerCredentials(
  host: Pick<ActingHost, 'connectionCredentials' | 'federatedCredentials'>,
  settings: Pick<Settings, 'connection' | 'federation'>,
  context: RunContext,
  job: TokenCredentials,
): Credentials {
  if (settings.federation) {
    const credentials = host.federatedCredentials(settings.federation, job);
    const servicePrincipal = credentials.scheme === 'federated' ? credentials.federation.clientId : undefined;
    return {
      ...credentials,
      identity: { kind: 'connection', connection: settings.federation.connection, servicePrincipal },
    };
  }
  if (settings.connection) {
    return {
      ...host.connectionCredentials(settings.connection),
      identity: { kind: 'connection', connection: settings.connection },
    };
  }
  return { ...job, identity: jobTokenIdentity(context) };
}

/**
 * The job token acts as the build service of the run's own project (or of the collection), whatever project the
 * task writes to.
 */
export function jobTokenIdentity(context: RunContext): WriterIdentity {
  return { kind: 'jobToken', runProject: context.project, release: context.hostType === 'release' };
}
