// Deployment settings the app's own descriptor states for its function (serverless.yml: provider
// and function `memorySize`, `timeout`, `architecture`, `role`, provider `region`; SAM / CloudFormation: Globals and
// Properties `MemorySize`, `Timeout`, `Architectures`, `Role`). Only plain values are taken: a
// variable (`${…}`), a Ref or a GetAtt cannot be known here, and the flag has to say it.
import { firstExisting, isRecord, readDescriptor } from '../../app/descriptor.js';
import type { HandlerSpec } from '../../types.js';

export interface DeploySettings {
  memoryMb?: number;
  timeoutS?: number;
  arch?: 'x86_64' | 'arm64';
  role?: string;
  region?: string;
  /** Where they came from ("serverless.yml functions.api"), for the notes. */
  source?: string;
}

const ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/;

function pick(from: Record<string, unknown>, keys: { memory: string; timeout: string; arch: string; role: string[] }): DeploySettings {
  const out: DeploySettings = {};
  const mem = from[keys.memory];
  if (typeof mem === 'number' && Number.isInteger(mem)) out.memoryMb = mem;
  const t = from[keys.timeout];
  if (typeof t === 'number' && Number.isInteger(t)) out.timeoutS = t;
  const a = Array.isArray(from[keys.arch]) ? (from[keys.arch] as unknown[])[0] : from[keys.arch];
  if (a === 'x86_64' || a === 'arm64') out.arch = a;
  for (const k of keys.role) {
    const r = k.split('.').reduce<unknown>((v, part) => (isRecord(v) ? v[part] : undefined), from);
    if (typeof r === 'string' && ARN.test(r)) out.role = r;
  }
  return out;
}

const FILES = ['serverless.yml', 'serverless.yaml', 'serverless.json', 'template.yaml', 'template.yml', 'template.json'] as const;

/** The descriptor's settings for the function of `handler`: named by its source, or found by its handler string (--handler). */
export async function deploySettings(dir: string, handler: HandlerSpec): Promise<DeploySettings> {
  let [file, where] = handler.source.split(' ');
  if (!where || !(FILES as readonly string[]).includes(file)) {
    file = (await firstExisting(dir, FILES)) ?? '';
    where = '';
  }
  if (!file) return {};
  const { doc } = await readDescriptor(dir, file).catch(() => ({ doc: undefined }));
  if (!isRecord(doc)) return {};
  const byHandler = (fns: Record<string, unknown>, get: (f: Record<string, unknown>) => unknown) =>
    Object.keys(fns).find((k) => isRecord(fns[k]) && get(fns[k] as Record<string, unknown>) === handler.handler);
  if (file.startsWith('serverless')) {
    const keys = { memory: 'memorySize', timeout: 'timeout', arch: 'architecture', role: ['role', 'iam.role'] };
    const provider = isRecord(doc.provider) ? pick(doc.provider, keys) : {};
    const region = isRecord(doc.provider) ? doc.provider.region : undefined;
    if (typeof region === 'string' && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) provider.region = region;
    const fns = isRecord(doc.functions) ? doc.functions : {};
    const name = where ? where.replace(/^functions\./, '') : byHandler(fns, (f) => f.handler);
    const fn = name && isRecord(fns[name]) ? pick(fns[name] as Record<string, unknown>, keys) : {};
    return { ...provider, ...fn, source: name ? `${file} functions.${name}` : `${file} provider` };
  }
  const keys = { memory: 'MemorySize', timeout: 'Timeout', arch: 'Architectures', role: ['Role'] };
  const globals = isRecord(doc.Globals) && isRecord(doc.Globals.Function) ? pick(doc.Globals.Function, keys) : {};
  const resources = isRecord(doc.Resources) ? doc.Resources : {};
  const id = where || byHandler(resources, (r) => (isRecord(r.Properties) ? r.Properties.Handler : undefined));
  const res = id ? resources[id] : undefined;
  const props = isRecord(res) && isRecord(res.Properties) ? pick(res.Properties, keys) : {};
  return { ...globals, ...props, source: `${file} ${id ?? 'Globals'}` };
}
