/**
 * The commands a running trainer takes — keys, signals, a closed terminal —
 * queued as they arrive (a pass in progress finishes first) and handled
 * between steps. A pause holds the loop in handle() until a resume or a stop.
 */
import type { StateEvent, TrainCommand } from './events.js';

/** What the commands do besides pausing and stopping. */
interface CommandActions {
  /** Tells the world the run was paused or resumed. */
  emit(event: StateEvent): void;
  save(): Promise<void>;
  sample(temperatures: number[] | undefined): Promise<void>;
}

export class Controls {
  private readonly queue: TrainCommand[] = [];
  private wake: (() => void) | null = null;
  private paused = false;
  /** A stop was handled: the loop ends at its next check. */
  stopped = false;

  send(command: TrainCommand): void {
    this.queue.push(command);
    this.wake?.();
  }

  /** Paused, or commands waiting (handling them is not training time either). */
  get holding(): boolean {
    return this.paused || this.queue.length > 0;
  }

  /** Whether a stop was asked for, handled or still queued. */
  stopPending(): boolean {
    return this.stopped || this.queue.some((c) => c.type === 'stop');
  }

  /** Handles the queued commands in order; returns once not paused (or stopped). */
  async handle(step: number, actions: CommandActions): Promise<void> {
    for (;;) {
      for (let command = this.queue.shift(); command; command = this.queue.shift()) {
        if (command.type === 'stop') this.stopped = true;
        else if (command.type === 'pause' || (command.type === 'toggle-pause' && !this.paused)) {
          if (!this.paused) actions.emit({ type: 'paused', step });
          this.paused = true;
        } else if (command.type === 'resume' || command.type === 'toggle-pause') {
          if (this.paused) actions.emit({ type: 'resumed', step });
          this.paused = false;
        } else if (command.type === 'save') await actions.save();
        else await actions.sample(command.temperatures);
      }
      if (!this.paused || this.stopped) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}
