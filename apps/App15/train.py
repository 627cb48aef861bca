"""Setup step: train the tiny span scorer on data/qa-train.json (seeded, one thread) and save
model/qa.pt."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from qa_model import TOKENIZER, SpanScorer  # noqa: E402

torch.set_num_threads(1)
torch.manual_seed(0)
with open(os.path.join("data", "qa-train.json"), encoding="utf-8") as f:
    examples = json.load(f)

samples = []
for ex in examples:
    spans = list(TOKENIZER.span_tokenize(ex["context"]))
    tokens = [ex["context"][a:b] for a, b in spans]
    a0 = ex["context"].index(ex["answer"])
    a1 = a0 + len(ex["answer"])
    start = next(i for i, (a, b) in enumerate(spans) if a == a0)
    end = next(i for i, (a, b) in enumerate(spans) if b == a1)
    samples.append((tokens, TOKENIZER.tokenize(ex["question"]), start, end))

model = SpanScorer()
opt = torch.optim.Adam(model.parameters(), lr=0.03)
loss_fn = torch.nn.CrossEntropyLoss()
for epoch in range(60):
    total = 0.0
    for tokens, q, start, end in samples:
        opt.zero_grad()
        s, e = model(tokens, q)
        loss = loss_fn(s.unsqueeze(0), torch.tensor([start])) + loss_fn(e.unsqueeze(0), torch.tensor([end]))
        loss.backward()
        opt.step()
        total += loss.item()
os.makedirs("model", exist_ok=True)
torch.save(model.state_dict(), os.path.join("model", "qa.pt"))
print("trained span scorer on %d examples, final epoch loss %.3f" % (len(samples), total / len(samples)))
