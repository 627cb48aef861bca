export { loadApp, type LoadAppOptions } from './load.js';
export { loadConfig, validateConfig, CONFIG_FILE } from './config.js';
export { parseNodeHandler, parsePythonHandler, handlerCandidates, runtimeOf } from './handler-string.js';
export { parseDescriptorText } from './descriptor.js';
export { ADAPTERS, type DescriptorAdapter, type HandlerSeed } from './adapters/index.js';
