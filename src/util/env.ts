/**
 * A clean, Lambda-like environment for child processes that run user code.
 * The user's shell leaks variables that change how Node and Python start (NODE_EXTRA_CA_CERTS alone
 * adds ~30 ms to every node start; NODE_OPTIONS, PYTHONPATH … change behaviour), so nothing is
 * inherited except PATH, HOME-ish basics and what the caller passes explicitly.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    HOME: '/tmp',
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}
