"""Setup step: fit the Naive Bayes sentiment model on data/reviews.csv; writes model/sentiment.pkl.gz."""
import gzip
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pandas as pd  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from sklearn.naive_bayes import MultinomialNB  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

df = pd.read_csv(os.path.join("data", "reviews.csv"))
model = make_pipeline(CountVectorizer(ngram_range=(1, 2), lowercase=True), MultinomialNB(alpha=0.5))
model.fit(df["text"], df["label"])
os.makedirs("model", exist_ok=True)
with gzip.GzipFile(os.path.join("model", "sentiment.pkl.gz"), "wb", mtime=0) as f:
    pickle.dump(model, f, protocol=4)
print("trained MultinomialNB on %d reviews, training accuracy %.3f" % (len(df), model.score(df["text"], df["label"])))
