"""charnn's data as bench/per-step.ts writes it (train.i32, val.i32, data.json:
its own vocabulary and 90/10 split), batched as charnn batches, for the
PyTorch scripts of the bench (torch-per-step.py, torch-layer-norm.py)."""
import json
import os

import numpy as np
import torch


class Stream:
    """charnn's BatchStream: the ids cut into B contiguous streams of
    floor((L-1)/B) ids; batch k is [T, B] inputs and targets, time-major."""

    def __init__(self, ids, batch, seq):
        self.length = (len(ids) - 1) // batch
        self.batches = self.length // seq
        usable = ids[: batch * self.length + 1]
        self.inputs = torch.stack([usable[n * self.length : (n + 1) * self.length] for n in range(batch)], 1)
        self.targets = torch.stack([usable[n * self.length + 1 : (n + 1) * self.length + 1] for n in range(batch)], 1)
        self.seq = seq

    def batch(self, k):
        s = slice(k * self.seq, (k + 1) * self.seq)
        return self.inputs[s], self.targets[s]


def load(directory, batch, seq):
    """(vocabulary size, training Stream, validation Stream) from a per-step work directory."""
    data = json.load(open(os.path.join(directory, "data.json")))
    ids = lambda name: torch.from_numpy(np.fromfile(os.path.join(directory, name), dtype=np.int32).astype(np.int64))
    return data["vocabSize"], Stream(ids("train.i32"), batch, seq), Stream(ids("val.i32"), batch, seq)


def add_run_arguments(parser, steps, every, threads):
    """The flags both PyTorch scripts take: the data directory, the model's sizes, the batch and the run."""
    parser.add_argument("--dir", required=True, help="where npm run per-step wrote train.i32, val.i32 and data.json")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--embedding", type=int, default=64)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq", type=int, default=100)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--every", type=int, default=every)
    parser.add_argument("--threads", type=int, default=threads)
    parser.add_argument("--seed", type=int, default=1)


def validation_loss(model, stream, vocab, state):
    """charnn's validation: every window of the split in order, the state
    carried from `state` (the zero state), in eval mode (no dropout); the
    mean cross-entropy in nats over all its characters."""
    training = model.training
    model.eval()
    total = 0.0
    with torch.no_grad():
        for k in range(stream.batches):
            x, y = stream.batch(k)
            logits, state = model(x, state)
            total += torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1), reduction="sum").item()
    model.train(training)
    return total / (stream.batches * x.shape[0] * x.shape[1])
