"""What a trial will open in a model dir, opened by `validate` without loading any weights (and
without importing torch or transformers): config.json, the tokenizer and the weight files'
headers. A model dir that passes these loads in a trial; one that does not is one line now
instead of a failed trial later.

- config.json: a JSON object with a `model_type` string.
- The tokenizer, loaded with the `tokenizers` library from the file transformers would use:
  tokenizer.json (a fast tokenizer), else vocab.txt (WordPiece, BERT and the MeCab BERTs),
  else vocab.json + merges.txt (byte-level BPE); a sentencepiece model needs `sentencepiece`.
- The weights: model.safetensors (its header: every tensor's byte range inside the file, so a
  truncated download is caught), a sharded `*.index.json` (every shard there and intact), or
  pytorch_model.bin (a complete zip archive, as torch.save writes it).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from harness.errors import HarnessError
from harness.readable import BadJson, NotRegularFile, parse_json, read_json, regular_file

_DTYPE_BYTES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "I16": 2, "U16": 2,
                "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8}
_HEADER_LIMIT = 100 << 20  # safetensors refuses headers above 100 MB itself
WEIGHTS = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
           "pytorch_model.bin.index.json")  # in the order transformers looks for them


def read_model_config(local: Path) -> dict:
    """config.json as a dict with a model_type; HarnessError naming the file otherwise."""
    path = Path(local) / "config.json"
    try:
        config = read_json(path, dict, limit=_HEADER_LIMIT)
    except FileNotFoundError:
        raise HarnessError(f"{local} has no config.json (not a transformers model dir)") from None
    except NotRegularFile as e:
        raise HarnessError(f"{path} is {e.kind}, not a config file") from None
    except BadJson as e:
        raise HarnessError(f"{path} is not a transformers config: {e}") from None
    except (OSError, ValueError) as e:
        raise HarnessError(f"{path} cannot be read: {getattr(e, 'strerror', None) or e}") from None
    if not isinstance(config.get("model_type"), str) or not config["model_type"]:
        raise HarnessError(f"{path} is not a transformers config (no model_type)")
    return config


def read_tokenizer_config(local: Path) -> dict | None:
    """tokenizer_config.json as a dict ({} when the dir has only tokenizer.json or vocab
    files); None when there is no tokenizer at all; HarnessError for a damaged one."""
    path = Path(local) / "tokenizer_config.json"
    if path.exists():
        try:
            return read_json(path, dict, limit=_HEADER_LIMIT)
        except (OSError, ValueError) as e:
            raise HarnessError(f"{path} is not a tokenizer config: {e}") from None
    return {} if tokenizer_files(local) else None


def tokenizer_files(local: Path) -> list[Path]:
    """The files the tokenizer loads from, as transformers chooses them (first match)."""
    local = Path(local)
    for names in (("tokenizer.json",), ("vocab.txt",), ("vocab.json", "merges.txt"),
                  ("spiece.model",), ("sentencepiece.bpe.model",), ("tokenizer.model",)):
        if all((local / n).exists() for n in names):
            return [local / n for n in names]
    return []


def check_tokenizer(local: Path) -> str:
    """Load the model's tokenizer from its files with `tokenizers` (no torch); its vocabulary
    size, or HarnessError with the file and the loader's reason."""
    files = tokenizer_files(local)
    if not files:
        raise HarnessError(f"{local} has no tokenizer files (tokenizer_config.json, "
                           "tokenizer.json or vocab.txt)")
    for f in files:
        try:
            regular_file(f)
        except OSError as e:
            raise HarnessError(f"{f} cannot be read: {e}") from None
    first = files[0]
    try:
        if first.name.endswith(".model"):
            return _sentencepiece(first)
        import tokenizers
        from tokenizers import implementations

        if first.name == "tokenizer.json":
            tok = tokenizers.Tokenizer.from_file(str(first))
        elif first.name == "vocab.txt":
            tok = implementations.BertWordPieceTokenizer(str(first))
        else:
            tok = implementations.ByteLevelBPETokenizer(str(files[0]), str(files[1]))
        size = tok.get_vocab_size()
    except HarnessError:
        raise
    except Exception as e:  # tokenizers raises Exception subclasses of its own
        reason = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
        raise HarnessError(f"{first} does not load as a tokenizer: {reason}") from None
    if size < 1:
        raise HarnessError(f"{first} holds an empty vocabulary")
    return f"{size} tokens"


def _sentencepiece(path: Path) -> str:
    try:
        import sentencepiece
    except ImportError:
        raise HarnessError(f"{path} is a sentencepiece model: pip install sentencepiece "
                           "(or give the model a tokenizer.json)") from None
    try:
        sp = sentencepiece.SentencePieceProcessor(model_file=str(path))
    except Exception as e:  # noqa: BLE001  (RuntimeError / OSError from the C++ library)
        raise HarnessError(f"{path} does not load as a sentencepiece model: {e}") from None
    return f"{sp.get_piece_size()} tokens"


def check_weights(local: Path) -> str:
    """The weight file a trial loads, checked without loading it; its description
    ('model.safetensors: 52 tensors, 1.2 MB'), or HarnessError."""
    local = Path(local)
    found = next((local / n for n in WEIGHTS if (local / n).exists()), None)
    if found is None:
        raise HarnessError(f"{local} has no weights ({' or '.join(WEIGHTS[::2])}): a trial "
                           "could not load the model")
    if found.name.endswith(".index.json"):
        shards = _shards(found)
        tensors = sum(_one_weight_file(local / s)[0] for s in shards)
        return f"{found.name}: {len(shards)} shards, {tensors} tensors"
    tensors, size = _one_weight_file(found)
    return f"{found.name}: {f'{tensors} tensors, ' if tensors else ''}{size / 1e6:.1f} MB"


def _shards(index: Path) -> list[str]:
    try:
        doc = read_json(index, dict, limit=_HEADER_LIMIT)
    except (OSError, ValueError) as e:
        raise HarnessError(f"{index} is not a weight index: {e}") from None
    weight_map = doc.get("weight_map")
    if not isinstance(weight_map, dict) or not weight_map:
        raise HarnessError(f"{index} is not a weight index: no weight_map")
    shards = sorted({str(v) for v in weight_map.values()})
    for shard in shards:
        if "/" in shard or "\\" in shard or not (index.parent / shard).exists():
            raise HarnessError(f"{index} names the shard {shard!r}, which is not in "
                               f"{index.parent}")
    return shards


def _one_weight_file(path: Path) -> tuple[int, int]:
    """(tensors, bytes) of a safetensors file or a torch.save zip; HarnessError if damaged."""
    try:
        size = regular_file(path).st_size
    except OSError as e:
        raise HarnessError(f"{path} cannot be read: {e}") from None
    if path.suffix == ".safetensors":
        return len(safetensors_header(path, size)), size
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                z.namelist()
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise HarnessError(f"{path} is a damaged PyTorch checkpoint ({e}); download it "
                               "again") from None
        return 0, size
    if not magic.startswith(b"\x80"):  # a pickle (torch's format before 1.6)
        raise HarnessError(f"{path} is not a PyTorch checkpoint (neither a zip archive nor a "
                           "pickle)")
    return 0, size


def safetensors_header(path: Path, size: int | None = None) -> dict:
    """The tensors of a safetensors file by name, each checked to lie inside the file as its
    dtype and shape say; HarnessError for a truncated or damaged file."""
    size = regular_file(path).st_size if size is None else size
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise HarnessError(f"{path} is not a safetensors file ({size} bytes, no header)")
        length = struct.unpack("<Q", head)[0]
        if length > min(size - 8, _HEADER_LIMIT):
            raise HarnessError(f"{path} is truncated or not a safetensors file (a header of "
                               f"{length:,} bytes in a file of {size:,})")
        raw = f.read(length)
    try:
        header = parse_json(raw, dict)
    except BadJson as e:
        raise HarnessError(f"{path} has a damaged safetensors header: {e}") from None
    data = size - 8 - length
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    for name, info in tensors.items():
        problem = _tensor_problem(info, data)
        if problem:
            raise HarnessError(f"{path}: tensor {name!r} {problem}")
    return tensors


def _tensor_problem(info, data: int) -> str | None:
    if not isinstance(info, dict):
        return "has no dtype, shape and data_offsets"
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if not (isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)
            and isinstance(offsets, list) and len(offsets) == 2
            and all(isinstance(o, int) for o in offsets)):
        return "has a malformed shape or data_offsets"
    begin, end = offsets
    if end > data:
        return f"ends at byte {end:,} of {data:,}: the file is truncated (download it again)"
    n = 1
    for d in shape:
        n *= d
    width = _DTYPE_BYTES.get(dtype)
    if not 0 <= begin <= end or (width is not None and end - begin != n * width):
        return f"has data_offsets {offsets} that do not fit its {dtype} shape {shape}"
    return None
