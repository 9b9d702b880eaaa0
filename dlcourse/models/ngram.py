"""A count-based character n-gram model: the baseline a neural language model must beat."""

import numpy as np

from dlcourse.errors import DLCourseError


class CharNGram:
    """Interpolated Witten-Bell n-gram model over integer ids. No Keras twin.

    With counts from the training ids, for a context h of the last k ids and its
    one-shorter suffix h' (down to the empty context, then uniform over `vocab_size`):

        p(c | h) = (count(h, c) + types(h) * p(c | h')) / (count(h) + types(h))

    where `types(h)` is the number of distinct ids seen after h. A context seen often
    with few followers trusts its counts; a rare or unseen one leans on the shorter
    context. Every id keeps a probability above 0, so the bits per character are finite.

        bits_per_char = -mean(log2 p(text[t] | text[t - order + 1 : t]))

    Args:
        order: n (5: each character predicted from the 4 before it).

    Example:
        >>> ngram = CharNGram(order=5).fit(train_ids, vocab_size=vocab.size)
        >>> ngram.bits_per_char(validation_ids)

    Reference: I. H. Witten, T. C. Bell, "The zero-frequency problem", IEEE Trans.
    Information Theory 37(4), 1991; S. F. Chen, J. Goodman, "An empirical study of
    smoothing techniques for language modeling", 1998, Sec. 2.5.
    """

    def __init__(self, order=5):
        if not isinstance(order, int) or order < 1:
            raise DLCourseError(f"`order` must be a positive integer. Received: order={order!r}")
        self.order = order
        self.vocab_size = None
        self._tables = []

    def fit(self, ids, vocab_size):
        """Count every (context, next id) of lengths 0 .. order - 1 in `ids`; return self."""
        ids = self._check_ids(ids, vocab_size)
        self.vocab_size = int(vocab_size)
        self._tables = []
        for k in range(self.order):
            context, nxt = self._keys(ids, k)
            pairs, pair_counts = np.unique(context * vocab_size + nxt, return_counts=True)
            contexts, context_counts = np.unique(context, return_counts=True)
            pair_context = pairs // vocab_size
            types = np.bincount(np.searchsorted(contexts, pair_context), minlength=len(contexts))
            self._tables.append((pairs, pair_counts, contexts, context_counts, types))
        return self

    def log2_probs(self, ids):
        """log2 p(ids[t] | the order - 1 ids before it) for every t (shorter contexts at the start)."""
        if not self._tables:
            raise DLCourseError("Fit the model first: CharNGram(order).fit(train_ids, vocab_size).")
        ids = self._check_ids(ids, self.vocab_size)
        p = np.full(len(ids), 1.0 / self.vocab_size)
        for k, (pairs, pair_counts, contexts, context_counts, types) in enumerate(self._tables):
            context, nxt = self._keys(ids, k, pad=True)
            c_pair = _lookup(pairs, pair_counts, context * self.vocab_size + nxt)
            c_context, c_types = _lookup(contexts, context_counts, context), _lookup(contexts, types, context)
            seen = c_context > 0
            usable = seen & (np.arange(len(ids)) >= k)  # Positions with k ids before them.
            p = np.where(usable, (c_pair + c_types * p) / np.maximum(c_context + c_types, 1), p)
        return np.log2(p)

    def bits_per_char(self, ids):
        """Mean negative log2 probability per id of `ids`."""
        return float(-np.mean(self.log2_probs(ids)))

    def _keys(self, ids, k, pad=False):
        """Integer keys of the k ids before each position (base vocab_size, oldest first),
        and the id at it: positions k.. (fit), or every position after k padding ids."""
        source = np.concatenate([np.zeros(k, np.int64), ids]) if pad else ids
        count = len(source) - k
        context = np.zeros(count, np.int64)
        for j in range(k):
            context = context * self.vocab_size + source[j: j + count]
        return context, source[k:]

    def _check_ids(self, ids, vocab_size):
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids) <= self.order:
            raise DLCourseError(f"Need more than order={self.order} ids. Received: {len(ids)}")
        if vocab_size is None or ids.min() < 0 or ids.max() >= vocab_size:
            raise DLCourseError(f"ids must lie in [0, vocab_size). Received: vocab_size={vocab_size}, "
                                f"ids in [{ids.min()}, {ids.max()}]")
        if float(vocab_size) ** self.order > 2**62:  # Keys are base-vocab_size numbers of `order` digits.
            raise DLCourseError(f"vocab_size**order is too large for int64 keys. Use an order below {self.order}.")
        return ids


def _lookup(keys, values, queries):
    """values[keys == query] for each query, 0 where the key is absent (keys sorted)."""
    if len(keys) == 0:
        return np.zeros(len(queries))
    at = np.clip(np.searchsorted(keys, queries), 0, len(keys) - 1)
    return np.where(keys[at] == queries, values[at], 0).astype(np.float64)
