"""PyTorch side of `npm run per-step` (a benchmark reference, never a dependency of charnn).

Trains nn.Embedding → nn.LSTM/nn.RNN → nn.Linear on the ids bench/per-step.ts
wrote (charnn's own split and vocabulary), batched as charnn batches: the
training ids cut into B contiguous streams of floor((L-1)/B) ids, window k of
an epoch reading ids[n·streamLength + k·T … +T] of stream n, the hidden state
carried from window to window and zeroed at each epoch start. Adam (β 0.9,
0.999, ε 1e-8, charnn's), constant learning rate, global-norm clipping, no
dropout. Validation as charnn's: the validation ids cut the same way into B
streams, every window read in order with the state carried from a zero start,
the mean cross-entropy in nats over all its characters.

Starts from the weights in --weights (Keras layout, float32, the tensors of
--manifest in order), so both engines start from the same numbers; with
--native-init it keeps PyTorch's own initialisation instead (two biases).
Prints one JSON line per event: {"type":"step","step":…,"loss":…} for every
step, {"type":"eval","step":…,"valLoss":…,"valBatches":…} every --every.

  python3 bench/torch-per-step.py --dir <work dir> --cell lstm --layers 2 --hidden 256 --steps 500 --every 50
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--dir", required=True, help="where per-step.ts wrote train.i32, val.i32 and data.json")
p.add_argument("--cell", default="lstm", choices=["lstm", "rnn"])
p.add_argument("--layers", type=int, default=2)
p.add_argument("--hidden", type=int, default=256)
p.add_argument("--embedding", type=int, default=64)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--seq", type=int, default=100)
p.add_argument("--lr", type=float, default=2e-3)
p.add_argument("--clip", type=float, default=5.0)
p.add_argument("--steps", type=int, default=500)
p.add_argument("--every", type=int, default=50)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--weights", help="float32 weights in Keras layout")
p.add_argument("--manifest", help="JSON list of {name, shape} of --weights")
p.add_argument("--native-init", action="store_true", help="PyTorch's own initialisation (seed --seed)")
p.add_argument("--two-biases", action="store_true", help="train b_hh too, as PyTorch's model does (charnn's has one bias)")
p.add_argument("--seed", type=int, default=1)
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)

data = json.load(open(os.path.join(args.dir, "data.json")))
vocab = data["vocabSize"]
train_ids = torch.from_numpy(np.fromfile(os.path.join(args.dir, "train.i32"), dtype=np.int32).astype(np.int64))
val_ids = torch.from_numpy(np.fromfile(os.path.join(args.dir, "val.i32"), dtype=np.int32).astype(np.int64))


class Stream:
    """charnn's BatchStream: batch k is [T, B] inputs and targets, time-major."""

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


train = Stream(train_ids, args.batch, args.seq)
val = Stream(val_ids, args.batch, args.seq)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(vocab, args.embedding)
        kind = {"lstm": nn.LSTM, "rnn": nn.RNN}[args.cell]
        self.rnn = kind(args.embedding, args.hidden, num_layers=args.layers)
        self.out = nn.Linear(args.hidden, vocab)

    def forward(self, x, state):
        y, state = self.rnn(self.embedding(x), state)
        return self.out(y), state


model = Model()
if not args.native_init:
    manifest = json.load(open(args.manifest))
    flat = np.fromfile(args.weights, dtype=np.float32)
    arrays, at = {}, 0
    for entry in manifest:
        size = int(np.prod(entry["shape"]))
        arrays[entry["name"]] = torch.from_numpy(flat[at : at + size].reshape(entry["shape"]).copy())
        at += size
    assert at == len(flat), "weights file does not match its manifest"
    with torch.no_grad():
        # Keras layout: kernels [in, G·H], gate blocks i, f, g, o for the LSTM, as PyTorch orders them.
        model.embedding.weight.copy_(arrays["embedding"])
        for l in range(args.layers):
            getattr(model.rnn, f"weight_ih_l{l}").copy_(arrays[f"layer{l}.kernel"].T)
            getattr(model.rnn, f"weight_hh_l{l}").copy_(arrays[f"layer{l}.recurrent"].T)
            getattr(model.rnn, f"bias_ih_l{l}").copy_(arrays[f"layer{l}.bias"])
            # charnn has one bias per layer: b_hh stays 0 and out of the optimizer, unless --two-biases
            # (PyTorch's model, where Adam moves both, so the sum moves about twice as far per step).
            getattr(model.rnn, f"bias_hh_l{l}").zero_()
            getattr(model.rnn, f"bias_hh_l{l}").requires_grad_(args.two_biases)
        model.out.weight.copy_(arrays["output.kernel"].T)
        model.out.bias.copy_(arrays["output.bias"])

optimizer = torch.optim.Adam([q for q in model.parameters() if q.requires_grad], lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
loss_fn = nn.CrossEntropyLoss()


def zero_state():
    h = torch.zeros(args.layers, args.batch, args.hidden)
    return (h, h.clone()) if args.cell == "lstm" else h


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def validate():
    total, state = 0.0, zero_state()
    with torch.no_grad():
        for k in range(val.batches):
            x, y = val.batch(k)
            logits, state = model(x, state)
            total += nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1), reduction="sum").item()
    return total / (val.batches * args.batch * args.seq)


def emit(event):
    print(json.dumps(event), flush=True)


state = zero_state()
for step in range(1, args.steps + 1):
    k = (step - 1) % train.batches
    if k == 0:
        state = zero_state()
    x, y = train.batch(k)
    logits, state = model(x, state)
    loss = loss_fn(logits.reshape(-1, vocab), y.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    state = detach(state)
    if args.clip > 0:
        nn.utils.clip_grad_norm_([q for q in model.parameters() if q.requires_grad], args.clip)
    optimizer.step()
    emit({"type": "step", "step": step, "loss": loss.item()})
    if step % args.every == 0:
        emit({"type": "eval", "step": step, "valLoss": validate(), "valBatches": val.batches})
