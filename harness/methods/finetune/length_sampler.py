"""Length-grouped training batches in random order.

transformers' LengthGroupedSampler sorts each megabatch (50 batches) by length and then serves
its batches longest first: on a data set smaller than a megabatch every epoch runs from the
longest rows to the shortest, a length curriculum nobody asked for (on the tests' tiny set it
kept the model at the majority class). Here rows are shuffled, cut into megabatches, sorted by
length inside each (so a batch pads to almost nothing), cut into batches, and the batches are
shuffled; the one short batch, if any, stays last so DataLoader's chunking matches ours.

`LengthGroupedTrainer` uses it for training only; evaluation keeps Trainer's sequential order
(with `train_sampling_strategy="group_by_length"` Trainer would reorder evaluation too).
"""

from __future__ import annotations

import torch
from torch.utils.data import Sampler
from transformers import Trainer

MEGABATCH = 50  # batches per sorted group, as in transformers


class ShuffledLengthBatches(Sampler):
    def __init__(self, lengths, batch_size: int, generator: torch.Generator | None = None):
        self.lengths = torch.as_tensor(list(lengths))
        self.batch_size, self.generator = batch_size, generator

    def __len__(self) -> int:
        return len(self.lengths)

    def __iter__(self):
        n, size = len(self.lengths), self.batch_size
        perm = torch.randperm(n, generator=self.generator)
        batches = []
        for lo in range(0, n, size * MEGABATCH):
            mega = perm[lo:lo + size * MEGABATCH]
            mega = mega[torch.argsort(self.lengths[mega], descending=True, stable=True)]
            batches.extend(mega[i:i + size] for i in range(0, len(mega), size))
        full = [b for b in batches if len(b) == size]
        short = [b for b in batches if len(b) != size]
        order = torch.randperm(len(full), generator=self.generator).tolist()
        for b in [full[i] for i in order] + short:
            yield from b.tolist()


class LengthGroupedTrainer(Trainer):
    """Trainer whose training batches come from ShuffledLengthBatches over the `length` column."""

    def _get_train_sampler(self, train_dataset=None):
        dataset = train_dataset if train_dataset is not None else self.train_dataset
        if dataset is None or self.args.length_column_name not in getattr(dataset, "column_names", []):
            return super()._get_train_sampler(train_dataset)
        size = self.args.train_batch_size * self.args.gradient_accumulation_steps
        return ShuffledLengthBatches(dataset[self.args.length_column_name][:], size)
