"""What `validate` (and `run`, before any compute) checks of `tracking:`: the tracker's package is
installed, its folders can be written, its tracking URI answers. No tracker library is imported;
an HTTP URI gets one request with a short timeout."""

from __future__ import annotations

import importlib.util
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from harness.errors import HarnessError
from harness.specs.tracking import MlflowSpec, TensorBoardSpec, WandbSpec, with_defaults

EXTRA = "pip install 'harness[tracking]'"
PACKAGES = {"tensorboard": ["tensorboard"], "mlflow": ["mlflow", "sqlalchemy", "alembic"],
            "wandb": ["wandb"]}
TIMEOUT_S = 3.0
DB_PORTS = {"postgresql": 5432, "mysql": 3306, "mssql": 1433}


def check_tracking(loaded, results_root: Path) -> list[HarnessError]:
    """One error per bad tracker entry, naming the file, line and field."""
    suite = loaded.suite
    errors = []
    for i, spec in enumerate(with_defaults(suite.tracking, results_root, suite.name)):
        problem = _problem(spec) or _missing_package(spec)
        if problem:
            field, message = problem
            errors.append(loaded.error(f"{spec.type}: {message}", ("tracking", i, field)))
    return errors


def _missing_package(spec) -> tuple[str, str] | None:
    missing = [p for p in PACKAGES[spec.type] if importlib.util.find_spec(p) is None]
    if missing:
        return "type", f"needs the {', '.join(missing)} package(s): {EXTRA}"
    return None


def _problem(spec) -> tuple[str, str] | None:
    if isinstance(spec, TensorBoardSpec):
        why = unwritable(Path(spec.log_dir))
        return ("log_dir", f"cannot write log dir {spec.log_dir}: {why}") if why else None
    if isinstance(spec, WandbSpec):
        why = unwritable(Path(spec.dir))
        if why:
            return "dir", f"cannot write dir {spec.dir}: {why}"
        if spec.mode == "online" and not (os.environ.get("WANDB_API_KEY") or _netrc_has_wandb()):
            return "mode", "online needs WANDB_API_KEY or `wandb login` (or mode: offline)"
        return None
    if isinstance(spec, MlflowSpec):
        why = uri_problem(spec.tracking_uri)
        return ("tracking_uri", f"tracking URI {spec.tracking_uri}: {why}") if why else None
    return None


def unwritable(path: Path) -> str | None:
    """Why `path` (a folder, created on demand) cannot be written; None when it can."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is a file, not a folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable"
    return None


def uri_problem(uri: str) -> str | None:
    parsed = urllib.parse.urlparse(uri)
    scheme = parsed.scheme.split("+")[0]
    if scheme in ("http", "https"):
        return _http_problem(uri)
    if scheme == "sqlite":
        path = uri.split(":///", 1)[1] if ":///" in uri else ""
        if not path or path == ":memory:":
            return "needs a file path (sqlite:///PATH)"
        why = unwritable(Path(path).parent)
        return f"cannot write {path}: {why}" if why else None
    if scheme in ("file", ""):
        why = unwritable(Path(parsed.path or uri))
        return f"cannot write: {why}" if why else None
    if scheme in DB_PORTS:
        return _tcp_problem(parsed.hostname or "localhost", parsed.port or DB_PORTS[scheme])
    if scheme == "databricks":
        return None  # credentials and workspace: MLflow's to check at run time
    return f"unknown scheme {parsed.scheme!r} (sqlite, http, https, file, postgresql, mysql, " \
           "mssql, databricks)"


def _http_problem(uri: str) -> str | None:
    """Any HTTP answer (even an error status) means a server is there."""
    try:
        with urllib.request.urlopen(uri.rstrip("/") + "/health", timeout=TIMEOUT_S):
            return None
    except urllib.error.HTTPError:
        return None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        return f"does not answer within {TIMEOUT_S:g} s ({reason})"


def _tcp_problem(host: str, port: int) -> str | None:
    try:
        socket.create_connection((host, port), timeout=TIMEOUT_S).close()
        return None
    except OSError as e:
        return f"does not answer within {TIMEOUT_S:g} s ({host}:{port}: {e.strerror or e})"


def _netrc_has_wandb() -> bool:
    netrc = Path(os.environ.get("NETRC", Path.home() / ".netrc"))
    try:
        return "api.wandb.ai" in netrc.read_text(encoding="utf-8")
    except OSError:
        return False
