"""Question answering (modeled on a BERT QA function): a tiny torch span scorer restored at init,
text tokenized with nltk's RegexpTokenizer; returns the best answer span of the context."""
import os

import nltk
import numpy as np
import torch

from qa_model import TOKENIZER, SpanScorer

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = SpanScorer()
MODEL.load_state_dict(torch.load(os.path.join(HERE, "model", "qa.pt")))
MODEL.eval()
MAX_ANSWER_TOKENS = 8


def best_spans(context, question, n_best):
    spans = list(TOKENIZER.span_tokenize(context))
    tokens = [context[a:b] for a, b in spans]
    with torch.no_grad():
        s, e = MODEL(tokens, TOKENIZER.tokenize(question))
    s, e = s.numpy().astype(np.float64), e.numpy().astype(np.float64)
    scores = s[:, None] + e[None, :]
    n = len(tokens)
    valid = np.triu(np.ones((n, n), dtype=bool)) & ~np.triu(np.ones((n, n), dtype=bool), MAX_ANSWER_TOKENS)
    scores = np.where(valid, scores, -np.inf)
    order = np.argsort(-scores, axis=None, kind="stable")[:n_best]
    out = []
    for flat in order:
        i, j = divmod(int(flat), n)
        out.append({"answer": context[spans[i][0]:spans[j][1]], "start": spans[i][0], "end": spans[j][1],
                    "score": round(float(scores[i, j]), 6)})
    return out


def lambda_handler(event, context):
    question, ctx = event["question"], event["context"]
    if event.get("sentences"):
        # Rare path: long documents are split into sentences and each one is scored on its own.
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        chunks = [ctx[a:b] for a, b in PunktSentenceTokenizer().span_tokenize(ctx)]
    else:
        chunks = [ctx]
    n_best = int(event.get("n_best", 1))
    candidates = []
    for chunk in chunks:
        candidates.extend(best_spans(chunk, question, n_best))
    candidates.sort(key=lambda c: -c["score"])
    body = {"answer": candidates[0]["answer"], "score": candidates[0]["score"], "nltk": nltk.__version__}
    if n_best > 1:
        import statistics

        top = candidates[:n_best]
        body["n_best"] = top
        body["score_spread"] = round(statistics.pstdev(c["score"] for c in top), 6)
    if event.get("sentences"):
        body["sentences"] = len(chunks)
    return body
