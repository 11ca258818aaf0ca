"""The torch modules runtimes export: a model's forward with named int64 inputs and ONE tensor
out (exporters and runners need a plain tensor, not a ModelOutput).

- `logits(model)`: a sequence classifier's logits (fine-tunes);
- `sentence_embedding(st_model)`: a SentenceTransformer's whole pipeline (transformer, pooling,
  normalisation, dense layers: whatever its modules are), its `sentence_embedding` (mteb);
- `hidden_state(model, layer)`: an encoder's hidden states at `layer` (probe; pooled outside);
- `pooler_output(model)`: an encoder's pooler output (probe, pooling `pooler`).
torch is imported inside (layer: trial time only)."""

from __future__ import annotations

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _base():
    import torch

    class Head(torch.nn.Module):
        """forward(input_ids, attention_mask, token_type_ids) -> one tensor; inputs left None
        (a model without token types) are not passed on, so tracing drops them."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask=None, token_type_ids=None):
            given = {"input_ids": input_ids, "attention_mask": attention_mask,
                     "token_type_ids": token_type_ids}
            return self.pick({k: v for k, v in given.items() if v is not None})

    return Head


def logits(model):
    class Logits(_base()):
        def pick(self, kw):
            return self.model(**kw).logits

    return Logits(model).eval()


def sentence_embedding(st_model):
    class SentenceEmbedding(_base()):
        def pick(self, kw):
            return self.model(kw)["sentence_embedding"]

    return SentenceEmbedding(st_model).eval()


def hidden_state(model, layer: int):
    class HiddenState(_base()):
        def pick(self, kw):
            if layer == -1:
                return self.model(**kw).last_hidden_state
            return self.model(**kw, output_hidden_states=True).hidden_states[layer]

    return HiddenState(model).eval()


def pooler_output(model):
    class PoolerOutput(_base()):
        def pick(self, kw):
            return self.model(**kw).pooler_output

    return PoolerOutput(model).eval()
