"""The learned intent and sentiment classifiers (issue 15, P2).

TF-IDF over character n-grams (2-5, inside word boundaries: robust to typos, missing accents
and emojis) and word n-grams (1-2), of the text after `chat_text.normalise` (accents folded,
chat abbreviations expanded, emphasis squeezed); a linear SVM per task, calibrated (sigmoid, 3
folds) so that its scores are probabilities the secretary can trust or doubt.

Trained at start-up from `corpus/train_*.tsv` (about a second), deterministically: the same
corpus gives the same model, and nothing is downloaded. Once trained, the calibrated folds are
flattened into one matrix product (`_Linear`): scikit-learn's own predict_proba checks its
input at every call, which made one message cost ~20 ms of CPU instead of ~2.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from domain.secretary.chat_text import normalise
from domain.secretary.corpus import Example, examples


@dataclass(frozen=True)
class Scores:
    intents: tuple[tuple[str, float], ...]  # every intent, most likely first
    sentiment: str
    sentiment_confidence: float


class _Vectors:
    """A fitted TfidfVectorizer (sublinear tf, l2 norm) as a dictionary and an array: the same
    numbers as its transform (a test holds them equal), without scikit-learn's per-call input
    checks and sparse-matrix assembly, which cost ~0.5 ms per message of the ~0.55 here."""

    def __init__(self, fitted: TfidfVectorizer) -> None:
        self.analyse = fitted.build_analyzer()
        self.vocabulary: dict[str, int] = fitted.vocabulary_
        self.idf = fitted.idf_
        self.width = len(self.idf)

    def row(self, text: str, offset: int) -> tuple[list[int], list[float]]:
        counts: dict[int, int] = {}
        for term in self.analyse(text):
            index = self.vocabulary.get(term)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return [], []
        indices = sorted(counts)
        weights = np.array([1.0 + math.log(counts[i]) for i in indices]) * self.idf[indices]
        weights /= np.sqrt(weights @ weights)
        return [offset + i for i in indices], weights.tolist()


class _Linear:
    """A fitted CalibratedClassifierCV(LinearSVC) as plain arrays: the folds' decision
    functions in one product, each class's sigmoid, normalised per fold, averaged: what
    predict_proba computes (a test holds them equal)."""

    def __init__(self, fitted: CalibratedClassifierCV) -> None:
        folds = fitted.calibrated_classifiers_
        self.classes = [str(c) for c in fitted.classes_]
        self.folds = len(folds)
        self.coef = np.hstack([fold.estimator.coef_.T for fold in folds])
        self.intercept = np.concatenate([fold.estimator.intercept_ for fold in folds])
        self.a = np.array([c.a_ for fold in folds for c in fold.calibrators])
        self.b = np.array([c.b_ for fold in folds for c in fold.calibrators])

    def proba(self, features: sparse.csr_matrix) -> np.ndarray:
        decision = features @ self.coef + self.intercept
        per_class = 1.0 / (1.0 + np.exp(self.a * decision + self.b))
        per_fold = per_class.reshape(features.shape[0], self.folds, len(self.classes))
        totals = per_fold.sum(axis=2, keepdims=True)
        per_fold = np.divide(
            per_fold, totals, out=np.full_like(per_fold, 1 / len(self.classes)), where=totals > 0
        )
        return per_fold.mean(axis=1)


def _calibrated(features: sparse.csr_matrix, labels: list[str]) -> CalibratedClassifierCV:
    return CalibratedClassifierCV(LinearSVC(C=1.0, random_state=0), cv=3).fit(features, labels)


class Classifier:
    def __init__(self, training: Sequence[Example]) -> None:
        texts = [e.text for e in training]
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, preprocessor=normalise
        ).fit(texts)
        self._words = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            preprocessor=normalise,
            token_pattern=r"(?u)\b\w+\b|[^\w\s]",  # emojis and "?" are words too
        ).fit(texts)
        features = sparse.hstack(
            [self._chars.transform(texts), self._words.transform(texts)], format="csr"
        )
        self._vectors = (_Vectors(self._chars), _Vectors(self._words))
        self.intent_model = _calibrated(features, [e.intent for e in training])
        self.sentiment_model = _calibrated(features, [e.sentiment for e in training])
        self._intent = _Linear(self.intent_model)
        self._sentiment = _Linear(self.sentiment_model)

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The TF-IDF rows of `texts`: character n-grams, then word n-grams."""
        chars, words = self._vectors
        indices: list[int] = []
        data: list[float] = []
        indptr = [0]
        for text in texts:
            for vectors, offset in ((chars, 0), (words, chars.width)):
                columns, weights = vectors.row(text, offset)
                indices += columns
                data += weights
            indptr.append(len(indices))
        shape = (len(texts), chars.width + words.width)
        return sparse.csr_matrix((data, indices, indptr), shape=shape)

    def scores(self, texts: Sequence[str]) -> list[Scores]:
        """One Scores per text, in one pass (a message and its clauses together)."""
        features = self.features(texts)
        intents, feelings = self._intent.proba(features), self._sentiment.proba(features)
        out = []
        for row, feeling in zip(intents, feelings, strict=True):
            order = np.argsort(-row, kind="stable")
            best = int(feeling.argmax())
            out.append(
                Scores(
                    tuple((self._intent.classes[i], float(row[i])) for i in order),
                    self._sentiment.classes[best],
                    float(feeling[best]),
                )
            )
        return out


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _trained() -> Classifier:
    return Classifier(examples("train"))


def classifier() -> Classifier:
    """The classifier trained on the repository's corpus, once per process (thread-safe: the
    web's first requests may race)."""
    with _lock:
        return _trained()
