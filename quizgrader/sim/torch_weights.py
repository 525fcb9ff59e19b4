"""Load one PyTorch ``nn.GRU`` / ``nn.LSTM`` layer's parameters from an ``.npz`` file.

PyTorch layout (layer 0): ``weight_ih_l0`` (G·H, I), ``weight_hh_l0`` (G·H, H), ``bias_ih_l0``
and ``bias_hh_l0`` (G·H,), gate blocks r, z, n (GRU, G = 3) or i, f, g, o (LSTM, G = 4).
Mapped to the course's notation:

- GRU: PyTorch's z keeps the memory, so Γu = 1 - z = σ(-pre_z): the z rows are negated.
  The candidate is reset-after: c̃ = tanh(W_in x + b_in + Γr * (W_hn c + b_hn)).
- LSTM: Γu = i, Γf = f, Γo = o, c̃ = g; the two biases are summed.

Optional arrays: ``x`` (T, I), the inputs; ``h0`` (H,), the initial state (GRU c<0>, LSTM a<0>);
``c0`` (H,), the LSTM's initial memory.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import WeightsError
from .cells.weights import Weights

REQUIRED = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
OPTIONAL = ("x", "h0", "c0")


@dataclass(frozen=True)
class Loaded:
    """One cell (S = 1) from a file, with the file's inputs and initial state when present.

    x  : ndarray (T, I) or None;  h0, c0 : ndarray (H,) or None
    """

    weights: Weights
    x: np.ndarray | None
    h0: np.ndarray | None
    c0: np.ndarray | None


#: What a weights file may unpack to, checked from the zip's directory before anything is
#: decompressed (a small file can inflate to gigabytes).
MAX_UNPACKED = 256 << 20
MAX_MEMBERS = 16


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except FileNotFoundError:
        raise WeightsError(f"{path}: no such file") from None
    except (OSError, zipfile.BadZipFile, ValueError) as e:
        raise WeightsError(f"{path}: not a readable .npz file ({e})") from None
    if len(members) > MAX_MEMBERS:
        raise WeightsError(f"{path}: {len(members)} arrays; a layer's file has at most "
                           f"{MAX_MEMBERS}")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        raise WeightsError(f"{path}: its arrays would unpack to {total / 2**20:.0f} MiB, over "
                           f"{MAX_UNPACKED >> 20} MiB")


def _read(path: Path) -> dict[str, np.ndarray]:
    _check_zip(path)
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: np.asarray(f[k]) for k in f.files}
    except FileNotFoundError:
        raise WeightsError(f"{path}: no such file") from None
    except Exception as e:      # noqa: BLE001  numpy's header parser raises many kinds
        # (ValueError, SyntaxError, tokenize.TokenError, ...) on a malformed array header
        raise WeightsError(f"{path}: not a readable .npz file "
                           f"({str(e).splitlines()[0][:200] if str(e) else type(e).__name__})"
                           ) from None


def _vector(path: Path, name: str, a: np.ndarray, size: int) -> np.ndarray:
    v = a.reshape(-1) if a.size == size else None
    if v is None:
        raise WeightsError(f"{path}: {name} has shape {a.shape}, expected ({size},)")
    return v


def load(path: str | Path, cell: str) -> Loaded:
    """Read ``path`` as the PyTorch parameters of one ``cell`` (``gru`` or ``lstm``) layer."""
    path = Path(path)
    if cell not in ("gru", "lstm"):
        raise WeightsError(f"a weights file holds a gru or lstm layer, not a {cell} cell",
                           "cell")
    arrays = _read(path)
    missing = [k for k in REQUIRED if k not in arrays]
    if missing:
        raise WeightsError(f"{path}: missing {', '.join(missing)} (PyTorch names, layer 0)")
    unknown = sorted(set(arrays) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise WeightsError(f"{path}: unexpected array(s) {', '.join(unknown)}")
    for name, a in arrays.items():
        if not np.issubdtype(a.dtype, np.number) or np.iscomplexobj(a):
            raise WeightsError(f"{path}: {name} is not a real numeric array ({a.dtype})")
        if not np.all(np.isfinite(a)):
            raise WeightsError(f"{path}: {name} holds NaN or infinite values")
    G = 3 if cell == "gru" else 4
    W_ih, W_hh = (arrays[k].astype(np.float64) for k in REQUIRED[:2])
    if W_hh.ndim != 2 or W_hh.shape[0] != G * W_hh.shape[1]:
        raise WeightsError(f"{path}: weight_hh_l0 has shape {W_hh.shape}, expected "
                           f"({G}·H, H) for a {cell.upper()}")
    H = W_hh.shape[1]
    if H == 0:
        raise WeightsError(f"{path}: weight_hh_l0 has shape {W_hh.shape}: a hidden size of 0")
    if W_ih.ndim != 2 or W_ih.shape[0] != G * H:
        raise WeightsError(f"{path}: weight_ih_l0 has shape {W_ih.shape}, expected ({G * H}, I)")
    I = W_ih.shape[1]
    if I == 0:
        raise WeightsError(f"{path}: weight_ih_l0 has shape {W_ih.shape}: an input size of 0")
    b_ih = _vector(path, "bias_ih_l0", arrays["bias_ih_l0"].astype(np.float64), G * H)
    b_hh = _vector(path, "bias_hh_l0", arrays["bias_hh_l0"].astype(np.float64), G * H)
    def blk(a: np.ndarray, i: int) -> np.ndarray:
        """Gate block i of a stacked array."""
        return a[i * H:(i + 1) * H]

    if cell == "gru":                                 # PyTorch r, z, n -> ours Γu, Γr, c̃
        Wx = np.concatenate([-blk(W_ih, 1), blk(W_ih, 0), blk(W_ih, 2)])
        Wh = np.concatenate([-blk(W_hh, 1), blk(W_hh, 0), blk(W_hh, 2)])
        b = np.concatenate([-(blk(b_ih, 1) + blk(b_hh, 1)), blk(b_ih, 0) + blk(b_hh, 0),
                            blk(b_ih, 2)])
        bh = blk(b_hh, 2)
    else:                                             # PyTorch i, f, g, o -> ours Γu, Γf, Γo, c̃
        order = (0, 1, 3, 2)
        Wx = np.concatenate([blk(W_ih, i) for i in order])
        Wh = np.concatenate([blk(W_hh, i) for i in order])
        b = np.concatenate([blk(b_ih, i) + blk(b_hh, i) for i in order])
        bh = np.zeros(H)
    x = arrays.get("x")
    if x is not None:
        x = x.astype(np.float64)
        if x.ndim == 3 and x.shape[1] == 1:
            x = x[:, 0]
        if x.ndim != 2 or x.shape[1] != I or x.shape[0] < 1:
            raise WeightsError(f"{path}: x has shape {x.shape}, expected (T, {I})")
    h0 = _vector(path, "h0", arrays["h0"].astype(np.float64), H) if "h0" in arrays else None
    c0 = _vector(path, "c0", arrays["c0"].astype(np.float64), H) if "c0" in arrays else None
    if c0 is not None and cell != "lstm":
        raise WeightsError(f"{path}: c0 is for an LSTM; a GRU's initial state is h0")
    w = Weights(Wh=Wh[None], Wx=Wx[None], b=b[None], bh=bh[None])
    return Loaded(w, x, h0, c0)
