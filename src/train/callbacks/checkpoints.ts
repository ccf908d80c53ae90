/**
 * Saving a run: latest/ after every evaluation and whenever the run must be
 * saved (the `save` command, every stop), best/ when validation improved;
 * and, when training diverges, the way back to latest/. Never a NaN
 * checkpoint: a state holding NaN or Infinity is not written (a warning
 * says so) and the last good checkpoint stays for recovery.
 */
import { loadCheckpoint, loadTrainingState } from '../../checkpoint/load.js';
import { checkpointMeta, type RunRecord } from '../../checkpoint/meta.js';
import { loadLayersWriter, NonFiniteCheckpointError, runCheckpointDirs, saveCheckpoint } from '../../checkpoint/save.js';
import { runtimeError } from '../../util/errors.js';
import type { RunMoment, TrainerCallback } from '../callback.js';

/** What charnn.json records of a run that does not change while it trains. */
type FixedRecord = Omit<RunRecord, 'training' | 'progress' | 'history'>;

/** Saves `record`'s run into the run directory `runDir` (and restores it from there). */
export function checkpointCallback(runDir: string, record: FixedRecord): TrainerCallback {
  const dirs = runCheckpointDirs(runDir);

  async function save(kind: 'latest' | 'best', moment: RunMoment): Promise<void> {
    const { state, training } = moment;
    const dir = dirs[kind];
    const step = state.progress.step;
    try {
      const meta = checkpointMeta({ ...record, training, progress: state.progress, history: state.history });
      const contents = { meta, params: state.params, optimizer: state.optimizer, carried: state.carried };
      await saveCheckpoint(dir, contents, kind === 'latest' ? { keep: training.keep } : {});
    } catch (error) {
      if (error instanceof NonFiniteCheckpointError) {
        moment.emit({ type: 'warning', step, message: `${error.message} at step ${step}; ${kind} checkpoint not saved` });
        return;
      }
      const e = error as NodeJS.ErrnoException;
      const why = e.code === 'ENOSPC' || e.code === 'EFBIG' ? 'the disk is full' : e.code === 'EACCES' || e.code === 'EROFS' ? 'permission denied' : e.message;
      throw runtimeError(`could not save the ${kind} checkpoint to ${dir}: ${why}`, 'free disk space or choose another --out; the previous checkpoint is intact', error);
    }
    moment.emit({ type: 'checkpoint', step, kind, path: dir });
  }

  return {
    // The first save would otherwise load TF.js on the clock of a time-limited run.
    prepare: async () => void (await loadLayersWriter()),
    async evaluated(moment, evaluation) {
      await save('latest', moment);
      if (evaluation.improved) await save('best', moment);
    },
    save: (moment) => save('latest', moment),
    restore() {
      const loaded = loadCheckpoint(dirs.latest);
      const saved = loadTrainingState(loaded);
      if (!saved) return null;
      const { progress, history } = loaded.meta;
      return { from: dirs.latest, state: { params: loaded.params, optimizer: saved.optimizer, carried: saved.carried, progress, history } };
    },
  };
}
