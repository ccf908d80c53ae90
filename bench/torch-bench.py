"""PyTorch reference for `npm run bench` (never a dependency of charnn).

The same model as charnn's (embedding → L recurrent layers → dense softmax,
vocabulary 65), trained on random tokens with Adam and gradient clipping,
hidden state carried across windows (truncated BPTT). Prints one JSON line:
{"msPerWindow": ..., "charsPerSec": ...}.

  python3 bench/torch-bench.py --cell lstm --layers 1 --hidden 256 --threads 2
  --mode window   forward + backward only (no optimizer step)
  --mode matmul   GFLOP/s of a 2048×320·320×1024 matMul
"""
import argparse
import json
import time

import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn"])
p.add_argument("--layers", type=int, default=1)
p.add_argument("--hidden", type=int, default=256)
p.add_argument("--embedding", type=int, default=64)
p.add_argument("--vocab", type=int, default=65)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--seq", type=int, default=64)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--steps", type=int, default=10)
p.add_argument("--mode", default="train", choices=["train", "window", "matmul"])
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)

if args.mode == "matmul":
    a = torch.randn(2048, 320)
    b = torch.randn(320, 1024)
    for _ in range(3):
        a @ b
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    seconds = (time.perf_counter() - t0) / reps
    print(json.dumps({"gflops": 2 * 2048 * 320 * 1024 / seconds / 1e9}))
    raise SystemExit(0)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(args.vocab, args.embedding)
        kind = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[args.cell]
        self.rnn = kind(args.embedding, args.hidden, num_layers=args.layers)
        self.out = nn.Linear(args.hidden, args.vocab)

    def forward(self, x, state):
        y, state = self.rnn(self.embedding(x), state)
        return self.out(y), state


model = Model()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.CrossEntropyLoss()


def zero_state():
    h = torch.zeros(args.layers, args.batch, args.hidden)
    return (h, h.clone()) if args.cell == "lstm" else h


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


tokens = torch.randint(0, args.vocab, (args.seq + 1, args.batch))
state = zero_state()


def step():
    global state
    logits, state = model(tokens[:-1], state)
    loss = loss_fn(logits.reshape(-1, args.vocab), tokens[1:].reshape(-1))
    model.zero_grad(set_to_none=True)
    loss.backward()
    state = detach(state)
    if args.mode == "train":
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
    return loss.item()


for _ in range(args.warmup):
    step()
walls = []
cpus = []
for _ in range(args.steps):
    t0 = time.perf_counter()
    c0 = time.process_time()
    step()
    walls.append((time.perf_counter() - t0) * 1000)
    cpus.append((time.process_time() - c0) * 1000)
walls.sort()
cpus.sort()
ms = walls[len(walls) // 2]
print(json.dumps({"msPerWindow": ms, "minMs": walls[0], "cpuMs": cpus[len(cpus) // 2], "charsPerSec": args.batch * args.seq / (ms / 1000)}))
