#!/usr/bin/env -S node --no-concurrent-recompilation
// First of all: SIGUSR1 would open Node's inspector on 127.0.0.1:9229, with no
// authentication, so any local user could run code inside a charnn process
// (a training run lives for hours). A listener of our own stops Node from
// starting it, and, like every signal listener, keeps no process alive.
process.on('SIGUSR1', () => {});
// Then: no optimizing compilation on V8's background threads. Node 20 can deadlock at exit when a
// background TurboFan job waits for a garbage collection that only the main thread runs, while the main
// thread waits in its exit path for that job (nodejs/node#54918): a refusal printed its line and the
// process never ended, about once in ten runs here. The shebang's --no-concurrent-recompilation (and
// npm start's) prevents it: 0 hangs in 60 runs. Set here as well for `node bin/charnn.js`, where it
// comes too late to be complete (1 hang in 90 runs). Compiling on the main thread costs milliseconds once.
if (!process.execArgv.includes('--no-concurrent-recompilation')) (await import('node:v8')).setFlagsFromString('--no-concurrent-recompilation');
// Written for any Node.js: an older one gets one line instead of a syntax error deep in a dependency.
const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  process.stderr.write(`charnn: needs Node.js 20 or newer, this is ${process.version} (install a current Node.js, e.g. from nodejs.org or with nvm)\n`);
  process.exit(1);
}
// Loading charnn opens a few hundred module files; under a low ulimit -n that fails with EMFILE
// in Node's loader. The limits module is one small file, read first, so that the line can name the limit.
const tooManyOpenFiles = (error) => error && (error.code === 'EMFILE' || error.code === 'ENFILE');
let limits = null;
try {
  limits = await import('../dist/src/util/process-limits.js');
  limits.processLimits();
} catch (error) {
  if (tooManyOpenFiles(error)) {
    process.stderr.write('charnn: too many open files: ulimit -n is low (raise it, e.g. ulimit -n 1024)\n');
    process.exit(1);
  }
  // Not built: reported below.
}
let main;
try {
  ({ main } = await import('../dist/src/cli/main.js'));
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/dist/src/cli/main.js')) {
    const root = new URL('..', import.meta.url).pathname;
    process.stderr.write(`charnn: not built yet (dist/ is missing) (run npm install, or npm run build, in ${root})\n`);
    process.exit(1);
  }
  if (limits && limits.isTooManyOpenFiles(error)) {
    const e = limits.tooManyOpenFiles();
    process.stderr.write(`charnn: ${e.message} (${e.hint})\n`);
    process.exit(1);
  }
  throw error;
}
await main(process.argv);
