"""Checkpoints: ``<kind>.safetensors`` (the weights) beside ``<kind>.json`` (kind, feature and model
config, training notes and a content hash: sha256 of the config and the weights).

`load` checks everything and raises :class:`CheckpointError` naming the file: missing, not
safetensors, wrong kind, config that does not validate, or weights that do not match the hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import torch
from pydantic import BaseModel, ConfigDict, ValidationError
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from .features import FeatureConfig
from .model import ModelConfig, ModelKind, make_model

FORMAT = "agentq-learned/1"
KINDS: tuple[ModelKind, ...] = ("policy", "critic", "judge")


class CheckpointError(ValueError):
    """A checkpoint that cannot be used; the message names the file."""


class CheckpointMeta(BaseModel):
    """The JSON file beside the weights."""

    model_config = ConfigDict(extra="forbid")

    format: str
    kind: ModelKind
    features: FeatureConfig
    model: ModelConfig
    notes: dict[str, Any] = {}
    sha256: str = ""


def content_hash(meta: CheckpointMeta, tensors: dict[str, torch.Tensor]) -> str:
    """sha256 over the config (without the hash) and every tensor's name, dtype, shape and bytes."""
    digest = hashlib.sha256()
    config = meta.model_dump(mode="json", exclude={"sha256"})
    digest.update(json.dumps(config, sort_keys=True, separators=(",", ":")).encode())
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        digest.update(f"|{name}|{t.dtype}|{tuple(t.shape)}|".encode())
        digest.update(t.numpy().tobytes())
    return digest.hexdigest()


def paths(where: str | Path, kind: ModelKind) -> tuple[Path, Path]:
    """(weights, json) of `kind` in a stage folder, or of a weights file given directly."""
    where = Path(where)
    if where.suffix in (".safetensors", ".json"):
        stem = where.with_suffix("")
        return stem.with_suffix(".safetensors"), stem.with_suffix(".json")
    return where / f"{kind}.safetensors", where / f"{kind}.json"


def save(folder: str | Path, kind: ModelKind, model: nn.Module, features: FeatureConfig, config: ModelConfig,
         notes: dict[str, Any] | None = None) -> str:  # fmt: skip
    """Write `model` as `kind` into `folder`; returns the content hash."""
    weights_path, meta_path = paths(folder, kind)
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    meta = CheckpointMeta(format=FORMAT, kind=kind, features=features, model=config, notes=notes or {})
    meta.sha256 = content_hash(meta, tensors)
    _atomic(weights_path, lambda p: save_file(tensors, str(p), metadata={"kind": kind, "sha256": meta.sha256}))
    _atomic(meta_path, lambda p: p.write_text(json.dumps(meta.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"))
    return meta.sha256


def _atomic(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)


def read_meta(meta_path: Path) -> CheckpointMeta:
    """The validated JSON config of a checkpoint."""
    if not meta_path.is_file():
        raise CheckpointError(f"{meta_path}: checkpoint config not found (train first: python -m agentq.train)")
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
        meta = CheckpointMeta.model_validate(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{meta_path}: not a checkpoint config (invalid JSON: {exc})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CheckpointError(f"{meta_path}: not a checkpoint config ({where}: {first['msg']})") from None
    if meta.format != FORMAT:
        raise CheckpointError(f"{meta_path}: unknown checkpoint format {meta.format!r} (expected {FORMAT!r})")
    return meta


def load(where: str | Path, kind: ModelKind) -> tuple[nn.Module, CheckpointMeta]:
    """The model of `kind` stored at `where` (a stage folder or a ``.safetensors`` file), checked."""
    weights_path, meta_path = paths(where, kind)
    if Path(where).suffix == "" and not Path(where).exists():
        raise CheckpointError(f"{where}: checkpoint folder not found (train first: python -m agentq.train)")
    meta = read_meta(meta_path)
    if meta.kind != kind:
        raise CheckpointError(f"{meta_path}: this is a {meta.kind} checkpoint, not a {kind} one")
    if not weights_path.is_file():
        raise CheckpointError(f"{weights_path}: checkpoint weights not found")
    try:
        tensors = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{weights_path}: corrupt checkpoint weights ({exc})") from None
    if content_hash(meta, tensors) != meta.sha256:
        raise CheckpointError(f"{weights_path}: content hash does not match {meta_path.name} (corrupt or altered)")
    model = make_model(kind, meta.features.buckets, meta.model)
    try:
        model.load_state_dict(tensors, strict=True)
    except RuntimeError as exc:
        raise CheckpointError(f"{weights_path}: weights do not fit a {kind} model ({exc})") from None
    model.eval()
    return model, meta
