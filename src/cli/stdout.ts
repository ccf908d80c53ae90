/**
 * stdout for pipelines: writes respect back-pressure, and a reader that goes
 * away (`| head -c 100`) ends the process quietly with exit code 0.
 */
let closed = false;

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    closed = true;
    process.exit(0);
  }
  throw error;
});

export function stdoutClosed(): boolean {
  return closed;
}

/** Writes and waits when the pipe's buffer is full. */
export async function writeOut(text: string): Promise<void> {
  if (closed || text.length === 0) return;
  if (!process.stdout.write(text)) {
    await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
  }
}
