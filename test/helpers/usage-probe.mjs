// Preloaded into the real binary by test/helpers/usage.ts (node --import):
// when the process exits, writes what it used — CPU time, peak memory, bytes
// read — to the file CHARNN_TEST_USAGE names. What a test bounds instead of
// wall time, which a busy machine stretches at will. Worker threads load it
// too; only the main thread reports (its figures cover the whole process).
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.CHARNN_TEST_USAGE;
if (isMainThread && file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    let readBytes = null;
    try {
      const match = /^rchar: (\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'));
      if (match) readBytes = Number(match[1]);
    } catch {
      // Not Linux: bytes read are unknown.
    }
    fs.writeFileSync(file, JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssKb: usage.maxRSS, readBytes }));
  });
}
