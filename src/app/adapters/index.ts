import { gcfNodeAdapter } from './gcf-node.js';
import { gcfPythonAdapter } from './gcf-python.js';
import { samAdapter } from './sam.js';
import { serverlessAdapter } from './serverless.js';
import type { DescriptorAdapter } from './types.js';

export type { AdapterContext, AdapterResult, DescriptorAdapter, HandlerSeed } from './types.js';

/** Deployment descriptors, in the order they are tried; the first that yields handlers wins. */
export const ADAPTERS: readonly DescriptorAdapter[] = [serverlessAdapter, samAdapter, gcfNodeAdapter, gcfPythonAdapter];
