"""Issue 20, item 3: would a layer-normalised LSTM or a tied output embedding
learn Tiny Shakespeare faster per step than the plain cell? A PyTorch study
(a benchmark reference, never a dependency of charnn), run before building
either into both of charnn's engines: if a variant does not win at equal
steps, it cannot win at equal time, since each costs more per step.

All variants run the same hand-written cell loop (so their per-step times
compare like with like; nn.LSTM's fused kernel would flatter the plain cell):
  plain   a_t = x_t·W + h_{t−1}·U + b, gates i, f, g, o, c_t, h_t as usual
  ln      Ba et al. (2016): a_t = LN(x_t·W) + LN(h_{t−1}·U) + b,
          h_t = o ⊙ tanh(LN(c_t)), each LN with its own gain (1) and bias (0)
  tied    plain, with the output layer tied to the embedding through a
          projection: logits = (h_t·P)·Eᵀ + b_out, P [H, E]
Data and validation as bench/torch-per-step.py (charnn's split and
vocabulary from --dir, contiguous streams with carried state; validation over
the whole split with the state carried from zero). Adam, constant learning
rate, clip 5, dropout on each layer's output (per step, inverted).

Prints one JSON line per event: {"type":"eval","variant":…,"step":…,
"valLoss":…,"trainLoss":…,"msPerStep":…} every --every steps.

  /usr/bin/python3 bench/torch-layer-norm.py --dir <per-step work dir> --variant ln --steps 2000
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn

from torch_streams import add_run_arguments, load, validation_loss

p = argparse.ArgumentParser()
add_run_arguments(p, steps=2000, every=250, threads=1)
p.add_argument("--variant", default="plain", choices=["plain", "ln", "tied"])
p.add_argument("--dropout", type=float, default=0.1)
args = p.parse_args()
torch.set_num_threads(args.threads)
# Denormal floats (tiny gradients late in a window) are many times slower; charnn flushes them too.
torch.set_flush_denormal(True)
torch.manual_seed(args.seed)

vocab, train, val = load(args.dir, args.batch, args.seq)


def layer_norm(x, gain, bias, eps=1e-5):
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * gain + bias


class Layer(nn.Module):
    """One LSTM layer over a window, [T, B, D] → [T, B, H]; gate blocks i, f, g, o."""

    def __init__(self, inputs, hidden, normalised):
        super().__init__()
        self.hidden = hidden
        self.normalised = normalised
        bound = 1 / math.sqrt(hidden)
        self.w = nn.Parameter(torch.empty(inputs, 4 * hidden).uniform_(-bound, bound))
        self.u = nn.Parameter(torch.empty(hidden, 4 * hidden).uniform_(-bound, bound))
        self.b = nn.Parameter(torch.zeros(4 * hidden))
        if normalised:
            self.gx, self.bx = nn.Parameter(torch.ones(4 * hidden)), nn.Parameter(torch.zeros(4 * hidden))
            self.gh, self.bh = nn.Parameter(torch.ones(4 * hidden)), nn.Parameter(torch.zeros(4 * hidden))
            self.gc, self.bc = nn.Parameter(torch.ones(hidden)), nn.Parameter(torch.zeros(hidden))

    def forward(self, x, state):
        h, c = state
        xw = x @ self.w
        if self.normalised:
            xw = layer_norm(xw, self.gx, self.bx)
        outputs = []
        # unbind: one backward for all steps (indexing xw[t] would add a zero-filled [T, B, 4H] gradient per step)
        for xw_t in xw.unbind(0):
            hu = h @ self.u
            if self.normalised:
                hu = layer_norm(hu, self.gh, self.bh)
            i, f, g, o = (xw_t + hu + self.b).chunk(4, -1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(layer_norm(c, self.gc, self.bc) if self.normalised else c)
            outputs.append(h)
        return torch.stack(outputs), (h, c)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(vocab, args.embedding)
        normalised = args.variant == "ln"
        self.layers = nn.ModuleList([Layer(args.embedding if l == 0 else args.hidden, args.hidden, normalised) for l in range(args.layers)])
        self.drop = nn.Dropout(args.dropout)
        if args.variant == "tied":
            self.project = nn.Linear(args.hidden, args.embedding, bias=False)
            self.out_bias = nn.Parameter(torch.zeros(vocab))
        else:
            self.out = nn.Linear(args.hidden, vocab)

    def forward(self, x, states):
        y = self.embedding(x)
        finals = []
        for layer, state in zip(self.layers, states):
            y, final = layer(y, state)
            y = self.drop(y)
            finals.append(final)
        if args.variant == "tied":
            return self.project(y.reshape(-1, args.hidden)) @ self.embedding.weight.T + self.out_bias, finals
        return self.out(y.reshape(-1, args.hidden)), finals


model = Model()
optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
loss_fn = nn.CrossEntropyLoss()


def zero_state():
    return [(torch.zeros(args.batch, args.hidden), torch.zeros(args.batch, args.hidden)) for _ in range(args.layers)]


def validate():
    return validation_loss(model, val, vocab, zero_state())


state = zero_state()
train_losses, step_ms = [], []
for step in range(1, args.steps + 1):
    k = (step - 1) % train.batches
    if k == 0:
        state = zero_state()
    x, y = train.batch(k)
    started = time.process_time()
    logits, state = model(x, state)
    loss = loss_fn(logits.reshape(-1, vocab), y.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    state = [(h.detach(), c.detach()) for h, c in state]
    nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    optimizer.step()
    step_ms.append((time.process_time() - started) * 1000)
    train_losses.append(loss.item())
    if step % args.every == 0:
        print(json.dumps({
            "type": "eval", "variant": args.variant, "step": step, "valLoss": validate(),
            "trainLoss": sum(train_losses[-args.every :]) / args.every,
            "msPerStep": sorted(step_ms[-args.every :])[args.every // 2],
        }), flush=True)
