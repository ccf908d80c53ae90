/**
 * Preloaded into a measured charnn process (node --import): at exit it
 * writes its peak resident memory (getrusage ru_maxrss, worker threads
 * included) in MB to the file named by CHARNN_PEAK_FILE.
 */
import fs from 'node:fs';

const file = process.env['CHARNN_PEAK_FILE'];
if (file) process.on('exit', () => fs.writeFileSync(file, `${process.resourceUsage().maxRSS / 1024}\n`));
