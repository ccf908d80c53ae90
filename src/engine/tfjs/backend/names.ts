/**
 * Backend names and defaults that the command line needs before any backend
 * loads: kept apart from index.ts so that parsing arguments (and --help)
 * never imports TF.js.
 */
export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** Default number of data-parallel training workers for a backend. */
export function defaultWorkers(backend: string, cores: number): number {
  return backend === 'tensorflow' ? 1 : Math.max(1, cores);
}
