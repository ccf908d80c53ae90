/** How the corpus is read (`--normalize`): stored in every checkpoint, fixed for the runs that continue from it. */
import { NORMALIZATIONS, type Normalization } from '../data/corpus.js';
import { defaultsOf, type SettingsTable } from './setting.js';
import { choice } from './values.js';

interface CorpusSettings {
  normalization: Normalization;
}

export const CORPUS_SETTINGS: SettingsTable<CorpusSettings> = {
  normalization: {
    flag: '--normalize <form>', type: choice(NORMALIZATIONS), default: 'none', help: 'Unicode normalisation (nfd splits Hangul syllables into jamo)',
    fixedOnResume: 'the checkpoint\'s vocabulary was read with it',
    fixedOnInitFrom: 'the text is normalised like the checkpoint\'s corpus',
  },
};

export const DEFAULT_CORPUS_SETTINGS: CorpusSettings = defaultsOf(CORPUS_SETTINGS);
