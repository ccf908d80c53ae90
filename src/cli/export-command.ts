/** `charnn export <checkpoint> <dir>`: the model as a static web page that samples in the browser. */
import { Command } from 'commander';
import { action } from './run-command.js';
import { debugOption } from './engine-options.js';
import { escapeControls, shellWord } from '../util/escape.js';
import { writeOut } from './output.js';

export function makeExportCommand(): Command {
  return new Command('export')
    .description('write a checkpoint as a TF.js Layers model (model.json + weights), vocab.json and an index.html that samples in the browser')
    .argument('<checkpoint>', 'checkpoint directory, a run directory (means its best/), or run@<step> (also run@best, run@latest)')
    .argument('<dir>', 'directory to write (created if missing; serve it with any static web server)')
    .option('--force', 'write into a directory that already holds other files (they are kept; nothing charnn did not write is replaced)', false)
    .addOption(debugOption())
    .action(
      action(async (checkpointPath: string, dir: string, options: { force: boolean }) => {
        // TF.js (its plain JS backend: nothing is computed) is loaded by the export's model files.
        const [{ loadCheckpoint }, { exportCheckpoint }] = await Promise.all([import('../checkpoint/load.js'), import('../export/export-model.js')]);
        const checkpoint = loadCheckpoint(checkpointPath);
        const result = await exportCheckpoint(checkpoint, dir, { force: options.force });
        const width = Math.max(...result.files.map((f) => f.name.length));
        const lines = [
          `exported ${checkpoint.dir} to ${result.dir}`,
          ...result.files.map((f) => `  ${f.name.padEnd(width)}  ${f.bytes.toLocaleString('en-US')} bytes`),
          `serve the directory with any static web server and open index.html, e.g.`,
          `  python3 -m http.server --bind 127.0.0.1 --directory ${shellWord(dir)} 8000   →   http://127.0.0.1:8000/`,
        ];
        await writeOut(`${lines.map(escapeControls).join('\n')}\n`);
      }),
    );
}

