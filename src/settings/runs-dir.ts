/** Where runs go without --out (checkpoints/<corpus>-<cell>, checkpoints/compare-<corpus>), and where `charnn runs` looks. */
export const RUNS_DIR = 'checkpoints';
