import * as tf from '@tensorflow/tfjs';
import type { CellType } from '../config.js';
import type { Cell, CellState } from './cell.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';

export type { Cell, CellState } from './cell.js';

export function cellFor(type: CellType): Cell {
  return type === 'lstm' ? lstmCell : type === 'gru' ? gruCell : rnnCell;
}

/** A zero state for N streams (the LSTM also carries c). */
export function zeroState(type: CellType, batch: number, hidden: number): CellState {
  return type === 'lstm' ? { h: tf.zeros([batch, hidden]), c: tf.zeros([batch, hidden]) } : { h: tf.zeros([batch, hidden]) };
}
