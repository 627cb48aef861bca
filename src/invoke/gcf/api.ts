// Cloud Functions (2nd gen / Cloud Run functions) through the official client
// (@google-cloud/functions v2 FunctionServiceClient, REST transport): the request builders and the
// response parsers are pure functions, so they are tested against recorded responses; the client
// only carries them. 4.2.2 is the last release that runs on Node 20 (5.x needs Node 22).
import { protos, v2 } from '@google-cloud/functions';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { FaaslightError, UsageError } from '../../diagnostics.js';

export type FunctionServiceClient = InstanceType<typeof v2.FunctionServiceClient>;
const State = protos.google.cloud.functions.v2.Function.State;

export interface GcfSettings {
  project: string;
  region: string;
  functionId: string;
  runtime: string;
  entryPoint: string;
  memoryMb: number;
  timeoutS: number;
  env: Record<string, string>;
  storageSource: StorageSource;
}

export interface StorageSource {
  bucket: string;
  object: string;
  generation?: string;
}

export const parentOf = (project: string, region: string) => `projects/${project}/locations/${region}`;
export const functionName = (s: Pick<GcfSettings, 'project' | 'region' | 'functionId'>) => `${parentOf(s.project, s.region)}/functions/${s.functionId}`;

/** GCF function ids: 4–63 characters, lowercase letters, digits and hyphens, starting with a letter. */
export function gcfFunctionIds(prefix: string): { A: string; B: string } {
  let clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  if (clean.length < 2) clean = `fl${clean}`;
  return { A: `${clean}-a`, B: `${clean}-b` };
}

/** Memory as Cloud Run reads it ("256Mi"). */
export const memoryOf = (mb: number) => `${mb}Mi`;

/** The Function resource of a 2nd-gen HTTP function built from an uploaded zip. */
export function functionResource(s: GcfSettings): Record<string, unknown> {
  return {
    name: functionName(s),
    environment: 'GEN_2',
    buildConfig: {
      runtime: s.runtime,
      entryPoint: s.entryPoint,
      source: { storageSource: { bucket: s.storageSource.bucket, object: s.storageSource.object } },
    },
    serviceConfig: {
      availableMemory: memoryOf(s.memoryMb),
      timeoutSeconds: s.timeoutS,
      environmentVariables: s.env,
      maxInstanceCount: 1,
      ingressSettings: 'ALLOW_ALL',
      allTrafficOnLatestRevision: true,
    },
    labels: { 'deployed-by': 'faaslight' },
  };
}

export function createRequest(s: GcfSettings): Record<string, unknown> {
  return { parent: parentOf(s.project, s.region), functionId: s.functionId, function: functionResource(s) };
}

/** A full redeploy of an existing function (new source and configuration). */
export function redeployRequest(s: GcfSettings): Record<string, unknown> {
  return {
    function: functionResource(s),
    updateMask: { paths: ['build_config.runtime', 'build_config.entry_point', 'build_config.source', 'service_config', 'labels'] },
  };
}

/** A new revision with new environment variables (and memory): new instances serve the next call. */
export function bumpRequest(name: string, env: Record<string, string>, memoryMb: number): Record<string, unknown> {
  return {
    function: { name, serviceConfig: { environmentVariables: env, availableMemory: memoryOf(memoryMb) } },
    updateMask: { paths: ['service_config.environment_variables', 'service_config.available_memory'] },
  };
}

export interface ParsedFunction {
  name: string;
  state: 'ACTIVE' | 'FAILED' | 'DEPLOYING' | 'DELETING' | 'UNKNOWN';
  uri?: string;
  revision?: string;
  memory?: string;
  messages: string[];
}

/** A Function resource as the client returns it (enums as names or numbers, depending on the transport). */
export function parseFunction(f: unknown): ParsedFunction {
  const x = (f ?? {}) as {
    name?: string;
    state?: string | number;
    url?: string;
    serviceConfig?: { uri?: string; revision?: string; availableMemory?: string };
    stateMessages?: { severity?: string | number; type?: string; message?: string }[];
  };
  const state = typeof x.state === 'number' ? (State[x.state] as string) : (x.state ?? 'UNKNOWN');
  return {
    name: x.name ?? '',
    state: (['ACTIVE', 'FAILED', 'DEPLOYING', 'DELETING'].includes(state) ? state : 'UNKNOWN') as ParsedFunction['state'],
    uri: x.serviceConfig?.uri || x.url || undefined,
    revision: x.serviceConfig?.revision || undefined,
    memory: x.serviceConfig?.availableMemory || undefined,
    messages: (x.stateMessages ?? []).map((m) => `${m.type ?? ''}: ${m.message ?? ''}`.replace(/^: /, '')),
  };
}

/** Canonical status of an API error: the client raises gRPC-coded errors or, on its REST transport,
 * the HTTP error with Google's JSON error body; both are read here. */
export function gcfStatus(e: unknown): { status: string; message: string } {
  const x = (e ?? {}) as { code?: number | string; status?: number | string; message?: string; details?: string; response?: { data?: unknown } };
  let body = x.response?.data as { error?: { status?: string; message?: string } } | string | undefined;
  if (typeof body === 'string' || body === undefined) {
    try {
      body = JSON.parse(typeof body === 'string' ? body : (x.message ?? ''));
    } catch {
      body = undefined;
    }
  }
  const err = typeof body === 'object' ? body?.error : undefined;
  const message = err?.message ?? x.details ?? x.message ?? String(e);
  if (err?.status) return { status: err.status, message };
  const code = typeof x.code === 'number' ? x.code : Number(x.status);
  const grpc = [
    'OK',
    'CANCELLED',
    'UNKNOWN',
    'INVALID_ARGUMENT',
    'DEADLINE_EXCEEDED',
    'NOT_FOUND',
    'ALREADY_EXISTS',
    'PERMISSION_DENIED',
    'RESOURCE_EXHAUSTED',
    'FAILED_PRECONDITION',
    'ABORTED',
    'OUT_OF_RANGE',
    'UNIMPLEMENTED',
    'INTERNAL',
    'UNAVAILABLE',
    'DATA_LOSS',
    'UNAUTHENTICATED',
  ];
  const http: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    409: 'ABORTED',
    429: 'RESOURCE_EXHAUSTED',
    500: 'INTERNAL',
    503: 'UNAVAILABLE',
  };
  return { status: (code >= 100 ? http[code] : grpc[code]) ?? 'UNKNOWN', message };
}

export const isGcfNotFound = (e: unknown) => gcfStatus(e).status === 'NOT_FOUND';

export function retryableGcf(e: unknown): string | undefined {
  const { status, message } = gcfStatus(e);
  if (status === 'RESOURCE_EXHAUSTED') return 'throttled (429 RESOURCE_EXHAUSTED)';
  if (status === 'ABORTED' || status === 'UNAVAILABLE') return `busy (${status})`;
  if (status === 'FAILED_PRECONDITION' && /in progress/i.test(message)) return 'busy (an operation is in progress)';
  return undefined;
}

export function describeGcfError(e: unknown, what: string): FaaslightError {
  if (e instanceof FaaslightError) return e;
  const { status, message } = gcfStatus(e);
  const msg = message.replace(/ya29\.[\w.-]+/g, 'ya29.****');
  if (/Could not load the default credentials|Unable to detect a Project Id/i.test(msg))
    return new UsageError(
      `${what}: no Google Cloud credentials or project: run \`gcloud auth application-default login\` (or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key) and pass --project`,
    );
  if (/has not been used in project|is disabled|SERVICE_DISABLED/i.test(msg))
    return new UsageError(
      `${what}: an API is not enabled (${msg.split('. ')[0]}): enable cloudfunctions.googleapis.com, cloudbuild.googleapis.com, run.googleapis.com, artifactregistry.googleapis.com and storage.googleapis.com`,
    );
  if (status === 'UNAUTHENTICATED') return new UsageError(`${what}: the Google Cloud credentials were rejected or have expired (${msg}): log in again`);
  if (status === 'PERMISSION_DENIED')
    return new UsageError(
      `${what}: permission denied (${msg}): the caller needs roles/cloudfunctions.developer and roles/iam.serviceAccountUser on the runtime service account`,
    );
  if (status === 'RESOURCE_EXHAUSTED') return new FaaslightError(`${what}: quota exhausted after retries (${msg}): try later or raise the quota`);
  return new FaaslightError(`${what}: ${status}: ${msg}`);
}

export interface GcfConnection {
  client: FunctionServiceClient;
  /** Token for calling the deployed functions (Cloud Run checks an ID token for the function URL). */
  idToken: (audience: string) => Promise<string>;
  project?: string;
  close(): Promise<void>;
}

/**
 * The official client on its REST transport (plain HTTPS, no gRPC). With `endpoint` (tests: a
 * 127.0.0.1 server replaying recorded responses) a fixed dummy token is used and nothing of the
 * user's credentials is read.
 */
export async function connect(opts: { endpoint?: string; project?: string }): Promise<GcfConnection> {
  if (opts.endpoint) {
    const u = new URL(opts.endpoint);
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: 'local-endpoint-token', expiry_date: Date.now() + 24 * 3600_000 });
    const client = new v2.FunctionServiceClient({
      fallback: true,
      apiEndpoint: u.hostname,
      port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
      protocol: u.protocol.replace(':', ''),
      authClient: auth,
      projectId: opts.project,
    } as ConstructorParameters<typeof v2.FunctionServiceClient>[0]);
    return { client, idToken: async () => 'local-endpoint-token', project: opts.project, close: () => client.close() };
  }
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'], projectId: opts.project });
  const project = opts.project ?? (await auth.getProjectId().catch(() => undefined));
  const client = new v2.FunctionServiceClient({ fallback: true, auth, projectId: project } as ConstructorParameters<typeof v2.FunctionServiceClient>[0]);
  return {
    client,
    project,
    idToken: async (audience) => {
      if (process.env.FAASLIGHT_GCF_ID_TOKEN) return process.env.FAASLIGHT_GCF_ID_TOKEN;
      try {
        const c = await auth.getIdTokenClient(audience);
        return await c.idTokenProvider.fetchIdToken(audience);
      } catch (e) {
        throw new UsageError(
          `cannot mint an ID token to call ${audience} (${(e as Error).message}): use a service-account key (GOOGLE_APPLICATION_CREDENTIALS), or set FAASLIGHT_GCF_ID_TOKEN=$(gcloud auth print-identity-token)`,
        );
      }
    },
    close: () => client.close(),
  };
}
