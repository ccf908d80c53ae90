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

import numpy as np
import torch
import torch.nn as nn

from torch_streams import add_run_arguments, load, validation_loss

p = argparse.ArgumentParser()
add_run_arguments(p, steps=500, every=50, threads=2)
p.add_argument("--cell", default="lstm", choices=["lstm", "rnn"])
p.add_argument("--clip", type=float, default=5.0)
p.add_argument("--weights", help="float32 weights in Keras layout")
p.add_argument("--manifest", help="JSON list of {name, shape} of --weights")
p.add_argument("--native-init", action="store_true", help="PyTorch's own initialisation (seed --seed)")
p.add_argument("--two-biases", action="store_true", help="train b_hh too, as PyTorch's model does (charnn's has one bias)")
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)

vocab, train, val = load(args.dir, args.batch, args.seq)


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
    return validation_loss(model, val, vocab, zero_state())


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
