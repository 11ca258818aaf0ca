"""Batch encoders for `datasets.map(batched=True)`: picklable, so slow tokenizers can run in
worker processes; a worker reloads the tokenizer from its saved dir instead of pickling it
(MeCab taggers do not pickle). Each adds LENGTH, the tokens of a row, for length grouping and
length-sorted evaluation."""

from __future__ import annotations

from harness.data.load import CHOICES, PAIR, TEXT

LENGTH = "length"


class Encoder:
    """The tokenizer of `tokenizer_dir` (or the one given, in this process), loaded once."""

    def __init__(self, tokenizer_dir: str, max_length: int, tokenizer=None):
        self.tokenizer_dir, self.max_length = tokenizer_dir, max_length
        self._tokenizer = tokenizer

    def __getstate__(self):
        return {**self.__dict__, "_tokenizer": None}

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.tokenizer_dir)
        return self._tokenizer

    def __call__(self, batch):
        raise NotImplementedError


class TextEncoder(Encoder):
    """A text or text pair per row, truncated to max_length, unpadded."""

    def __call__(self, batch):
        if PAIR in batch:
            # BertJapaneseTokenizer leaves token_type_ids out unless asked, even for pairs.
            out = self.tokenizer(batch[TEXT], batch[PAIR], truncation=True,
                                 max_length=self.max_length, return_token_type_ids=True)
        else:
            out = self.tokenizer(batch[TEXT], truncation=True, max_length=self.max_length)
        out[LENGTH] = [len(ids) for ids in out["input_ids"]]
        return out


class ChoiceEncoder(Encoder):
    """A question and its N choices per row: N (question, choice) pairs, each truncated to
    max_length (the question first: `only_first` keeps every choice whole where it can), as
    lists of N sequences; LENGTH is the longest of the N."""

    def __call__(self, batch):
        questions, choices = batch[TEXT], batch[CHOICES]
        n = [len(c) for c in choices]
        firsts = [q for q, k in zip(questions, n) for _ in range(k)]
        seconds = [c for row in choices for c in row]
        flat = self.tokenizer(firsts, seconds, truncation="longest_first",
                              max_length=self.max_length, return_token_type_ids=True)
        out, start = {k: [] for k in flat}, 0
        for k in n:
            for key, values in flat.items():
                out[key].append(values[start:start + k])
            start += k
        out[LENGTH] = [max(len(ids) for ids in row) for row in out["input_ids"]]
        return out
