/**
 * Samples for the user to watch the model learn: after every evaluation
 * (not when the user is stopping: they should not wait for them) and on the
 * `sample` command. Each is generated from an empty prime with its own
 * generator seeded by the run's seed, the step and its index, so a run's
 * samples are the same every time it is trained.
 */
import { displayText } from '../../data/display.js';
import type { Normalization } from '../../data/corpus.js';
import type { Vocabulary } from '../../data/vocabulary.js';
import type { Engine } from '../../engine/engine.js';
import { generate } from '../../sample/generate.js';
import { Sampler } from '../../sample/sampler.js';
import { Rng } from '../../util/rng.js';
import type { RunMoment, TrainerCallback } from '../callback.js';

interface SampleSource {
  engine: Engine;
  vocab: Vocabulary;
  /** How the corpus was normalised (samples are shown as the text would read). */
  normalization: Normalization;
}

/** Samples `training.sampleLength` characters at each temperature (none when either is empty). */
export function sampleCallback({ engine, vocab, normalization }: SampleSource): TrainerCallback {
  async function show(moment: RunMoment, temperatures: number[]): Promise<void> {
    const { training } = moment;
    const step = moment.state.progress.step;
    if (temperatures.length === 0 || training.sampleLength <= 0) return;
    const sampler = new Sampler(engine.stepModel(moment.state.params));
    try {
      const requests = temperatures.map((temperature, i) => ({
        prime: '',
        rng: new Rng(training.seed * 7919 + step * 31 + i),
        sampling: { temperature, topK: 0, topP: 1 },
      }));
      const results = await generate(sampler, vocab, requests, { length: training.sampleLength, maxLength: training.sampleLength, stop: [] });
      moment.emit({ type: 'sample', step, samples: results.map((r, i) => ({ temperature: temperatures[i]!, text: displayText(r.text, normalization) })) });
    } finally {
      sampler.dispose();
    }
  }

  return {
    evaluated: (moment) => (moment.stopPending() ? Promise.resolve() : show(moment, moment.training.sampleTemperatures)),
    sample: (moment, temperatures) => show(moment, temperatures ?? moment.training.sampleTemperatures),
  };
}
