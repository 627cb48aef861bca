import type { Diagnostic, Runtime } from '../../types.js';

/** A handler as a descriptor names it, before its file is found. */
export interface HandlerSeed {
  handler: string;
  runtimeId?: string;
  /** Runtime family when the descriptor implies it without a runtime id (GCF main file). */
  runtime?: Runtime;
  style: 'aws' | 'gcf';
  /** For the report: "serverless.yml functions.hello". */
  source: string;
  functionName?: string;
  /** Set when the descriptor names the file itself (package.json main), not a Lambda handler string. */
  file?: string;
  exportName?: string;
}

export interface AdapterContext {
  /** GCF --target. */
  target?: string;
}

export interface AdapterResult {
  /** Absolute package root when the descriptor moves it (SAM CodeUri). */
  root?: string;
  seeds: HandlerSeed[];
  diagnostics: Diagnostic[];
}

/** One kind of deployment descriptor turned into handler seeds. */
export interface DescriptorAdapter {
  name: string;
  /** What it looks for, for the "no handler found" message. */
  looksFor: string;
  detect(root: string, ctx: AdapterContext): Promise<boolean>;
  handlers(root: string, ctx: AdapterContext): Promise<AdapterResult>;
}
